from django.db import migrations

from common.rls import EnableOrgRLS


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]

    operations = [
        EnableOrgRLS("profile", also_user_column="user_id"),
    ]
