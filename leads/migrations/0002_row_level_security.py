from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [
        EnableOrgRLS("lead"),
    ]
