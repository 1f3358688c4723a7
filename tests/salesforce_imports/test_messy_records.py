"""Each kind of messy record the sandbox org generates ends in the right bucket, explained."""

from collections import defaultdict

import pytest

from accounts.models import Account
from common.rls import org_context
from contacts.models import Contact
from salesforce_imports.models import ImportedRecord, ImportProblem, JobStatus

from .test_import_engine import ALL, run, start

pytestmark = pytest.mark.django_db(transaction=True)

# kind -> (field the problem names, severity), for kinds whose outcome does not depend on
# what else the record carries.
ERROR_KINDS = {
    ("Opportunity", "negative_amount"): "Amount",
    ("Opportunity", "probability_out_of_range"): "Probability",
    ("Account", "out_of_range"): "AnnualRevenue",
}
WARNING_KINDS = {  # checked on records that carry only this kind
    ("Contact", "invalid_email"): "Email",
    ("Contact", "deleted_lookup"): "AccountId",
    ("Opportunity", "unknown_picklist"): "StageName",
    ("Opportunity", "deleted_lookup"): "AccountId",
    ("Account", "unknown_picklist"): "Industry",
}


@pytest.fixture
def imported(sandbox_factory, admin_api, admin_profile, connect):
    sandbox = sandbox_factory(records=3000, seed=13)
    missing_last_name = sandbox.insert_records(
        "Contact", [{"FirstName": "Nameless", "LastName": None, "Email": "nameless@example.org"}]
    )[0]
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ALL))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    with org_context(admin_profile.org_id):
        links = dict(ImportedRecord.objects.values_list("salesforce_id", "outcome"))
        problems = defaultdict(list)
        for sf_id, field, severity, message in ImportProblem.objects.values_list(
            "salesforce_id", "field", "severity", "message"
        ):
            problems[sf_id].append((field, severity, message))
    return sandbox, links, problems, missing_last_name


def bucket(sf_id, links, problems):
    if sf_id in links:
        return links[sf_id]
    return "error" if any(sev == "error" for _, sev, _ in problems[sf_id]) else None


def test_every_messy_record_is_accounted_for_and_explained(imported):
    sandbox, links, problems, _ = imported
    checked = defaultdict(int)
    for sobject in ["Account", "Contact", "Opportunity", "Product2", "Order", "Quote"]:
        deleted = set(sandbox.org.deleted_ids(sobject))
        for sf_id, kinds in sandbox.org.messy(sobject).items():
            if sf_id in deleted:
                continue
            assert bucket(sf_id, links, problems) in {"imported", "matched", "error"}, (sobject, sf_id, kinds)
            for kind in kinds:
                field = ERROR_KINDS.get((sobject, kind))
                if field:
                    assert bucket(sf_id, links, problems) == "error"
                    assert any(f == field and s == "error" for f, s, _ in problems[sf_id]), problems[sf_id]
                    checked[kind] += 1
            if (
                len(kinds) == 1
                and (sobject, kinds[0]) in WARNING_KINDS
                and bucket(sf_id, links, problems) != "error"
            ):
                field = WARNING_KINDS[(sobject, kinds[0])]
                assert any(field in f and s == "warning" for f, s, _ in problems[sf_id]), (
                    kinds,
                    problems[sf_id],
                )
                checked[kinds[0]] += 1
    # The org is big enough that each checked kind really occurred.
    for kind in ["negative_amount", "probability_out_of_range", "invalid_email", "deleted_lookup"]:
        assert checked[kind] > 0, kind


def test_soft_deleted_records_are_not_fetched(imported):
    sandbox, links, problems, _ = imported
    for sobject in ["Account", "Contact", "Opportunity", "Order", "Quote"]:
        for sf_id in sandbox.org.deleted_ids(sobject):
            assert sf_id not in links and sf_id not in problems


def test_duplicates_inside_salesforce_are_kept_apart(imported, admin_profile):
    sandbox, links, problems, _ = imported
    duplicate_names = [
        sf_id for sf_id, kinds in sandbox.org.messy("Account").items() if "duplicate_name" in kinds
    ]
    warned = [sf_id for sf_id in duplicate_names if any(f == "name" for f, _, _ in problems[sf_id])]
    assert warned, "no duplicate account name was disambiguated"
    with org_context(admin_profile.org_id):
        for sf_id in warned:
            crm = Account.objects.get(pk=ImportedRecord.objects.get(salesforce_id=sf_id).object_id)
            assert crm.name.endswith(f"({sf_id})")
        shared = Contact.objects.filter(email__iexact="info@example.com").count()
        assert shared == 1  # one keeps the shared email, the others are imported without it


def test_unicode_is_kept_exactly(imported, admin_profile):
    sandbox, links, _, _ = imported
    unicode_contacts = [
        sf_id for sf_id, kinds in sandbox.org.messy("Contact").items() if kinds == ["unicode"]
    ]
    assert unicode_contacts
    with org_context(admin_profile.org_id):
        for sf_id in unicode_contacts:
            source = sandbox.org.get("Contact", sf_id)
            crm = Contact.objects.get(pk=ImportedRecord.objects.get(salesforce_id=sf_id).object_id)
            assert (crm.first_name, crm.last_name) == (
                source["FirstName"].strip(),
                source["LastName"].strip(),
            )


def test_missing_last_name_is_an_error_for_that_record_only(imported):
    _, links, problems, missing_last_name = imported
    assert missing_last_name not in links
    assert any(f == "LastName" and s == "error" for f, s, _ in problems[missing_last_name])
