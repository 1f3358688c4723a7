from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        EnableOrgRLS("account"),
    ]
