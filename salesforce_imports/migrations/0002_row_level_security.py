from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("salesforce_imports", "0001_initial")]

    # OAuthState is left out on purpose (see its docstring).
    operations = [
        EnableOrgRLS("salesforceconnection"),
        EnableOrgRLS("importjob"),
        EnableOrgRLS("importedrecord"),
        EnableOrgRLS("importproblem"),
    ]
