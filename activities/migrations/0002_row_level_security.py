from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [
        EnableOrgRLS("task"),
        EnableOrgRLS("event"),
        EnableOrgRLS("note"),
    ]
