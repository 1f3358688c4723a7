"""Pending Connects under forced row-level security, like every other org-scoped table.

The org that started a Connect sees its rows through the org policy. The OAuth callback
arrives without an org (a browser redirect), so two more permissive policies let a
transaction that sets `app.oauth_state_hash` (transaction-local, set only by
connection_service) see and claim the one unexpired row with that hash, and nothing else.
Without the setting they match no row: a SHA-256 hex digest is never empty or NULL.
"""

from django.db import migrations

from common.rls import EnableOrgRLS

TABLE = "salesforce_imports_oauthstate"
PRESENTED_HASH = "NULLIF(current_setting('app.oauth_state_hash', true), '')"
# An expired row is invisible to the callback even with its hash: the policy, not only the
# service's filter, enforces the ten minutes.
CALLBACK_ROW = f"state_hash = {PRESENTED_HASH} AND expires_at > now()"


def create_policies(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE POLICY oauth_state_callback_read ON {TABLE} FOR SELECT USING ({CALLBACK_ROW})"
    )
    # The claim sets used_at; the row it leaves must still be the presented one.
    schema_editor.execute(
        f"CREATE POLICY oauth_state_callback_claim ON {TABLE} FOR UPDATE "
        f"USING ({CALLBACK_ROW}) WITH CHECK (state_hash = {PRESENTED_HASH})"
    )


def drop_policies(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for policy in ("oauth_state_callback_read", "oauth_state_callback_claim"):
        schema_editor.execute(f"DROP POLICY IF EXISTS {policy} ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("salesforce_imports", "0011_steering")]

    operations = [
        EnableOrgRLS("oauthstate"),
        migrations.RunPython(create_policies, drop_policies),
    ]
