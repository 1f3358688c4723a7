from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from common.rls import org_context
from salesforce_imports.models import ImportJob, JobStatus

pytestmark = pytest.mark.django_db(transaction=True)


def test_inline_import_from_the_terminal(connected, admin_profile):
    out = StringIO()
    call_command(
        "salesforce_import",
        "--org",
        str(admin_profile.org_id),
        "--objects",
        "Account,Contact",
        "--inline",
        stdout=out,
    )
    text = out.getvalue()
    assert "COMPLETED" in text and "Account" in text and "Contact" in text
    with org_context(admin_profile.org_id):
        job = ImportJob.objects.get()
    assert job.status == JobStatus.COMPLETED
    assert job.object_types == ["Account", "Contact"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--objects", "Campaign"], "Unknown object type"),
        (["--objects", ""], "Choose at least one"),
    ],
)
def test_bad_input_is_a_clear_error(connected, admin_profile, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("salesforce_import", "--org", str(admin_profile.org_id), *args, stdout=StringIO())


def test_unknown_org(db):
    with pytest.raises(CommandError, match="No org"):
        call_command("salesforce_import", "--org", "nope", stdout=StringIO())
