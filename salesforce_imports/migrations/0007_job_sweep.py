"""The stalled-job sweep: a requeue stamp, and a SELECT-only policy that lets the sweep see
job rows across orgs (see leases.py for why this and not a table outside the wall)."""

from django.db import migrations, models

TABLE = "salesforce_imports_importjob"
POLICY = "job_sweep_read"


def create_policy(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Permissive policies are OR-ed: without the transaction-local setting nothing changes.
    schema_editor.execute(
        f"CREATE POLICY {POLICY} ON {TABLE} FOR SELECT "
        "USING (current_setting('app.job_sweep', true) = 'on')"
    )


def drop_policy(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP POLICY IF EXISTS {POLICY} ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("salesforce_imports", "0006_base_created_at_default")]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="requeued_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(create_policy, drop_policy),
    ]
