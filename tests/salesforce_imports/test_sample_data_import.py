"""Real Salesforce sample exports (../shared/sample-data), loaded into the sandbox org and
imported end to end. Skipped only when that folder is absent."""

from pathlib import Path

import pytest

from common.rls import org_context
from contacts.models import Contact
from salesforce_imports.models import ImportProblem, JobStatus

from .test_import_engine import ALL, run, start

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "sample-data" / "salesforce"
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared sample data absent"),
]


@pytest.mark.parametrize("folder", ["heroku-tdx25-agentforce", "apex-recipes", "lwc-recipes"])
def test_sample_org_imports_completely(sandbox_factory, admin_api, admin_profile, connect, folder):
    sandbox = sandbox_factory(records=0, sample_data=SAMPLES / folder)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ALL))
    assert job.status == JobStatus.COMPLETED, job.failure_reason
    for sobject, entry in job.progress.items():
        fetched = entry["imported"] + entry["matched"] + entry["skipped"] + entry["errors"]
        assert fetched == sandbox.org.count(sobject), (sobject, entry)
    assert job.imported_count > 0


def test_exported_org_quirks_are_explained(sandbox_factory, admin_api, admin_profile, connect):
    # Exported from a live org: contacts point at an Account Id that is not in the file,
    # and seven contacts share info@salesforce.com.
    sandbox_factory(records=0, sample_data=SAMPLES / "heroku-tdx25-agentforce")
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account", "Contact"]))
    assert job.status == JobStatus.COMPLETED
    with org_context(admin_profile.org_id):
        assert Contact.objects.filter(email__iexact="info@salesforce.com").count() == 1
        shared = ImportProblem.objects.filter(field="email", message__icontains="info@salesforce.com")
        assert shared.count() >= 6
        assert ImportProblem.objects.filter(field="AccountId", message__contains="not imported").exists()


def test_sample_price_books_and_order_lines_import_with_their_products(
    sandbox_factory, admin_api, admin_profile, connect
):
    from invoices.models import Product, ProductPrice
    from orders.models import OrderLineItem

    sandbox = sandbox_factory(records=0, sample_data=SAMPLES / "heroku-tdx25-agentforce")
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ALL))
    entries = job.progress["PricebookEntry"]
    assert entries["imported"] == sandbox.org.count("PricebookEntry") > 0 and entries["errors"] == 0
    with org_context(admin_profile.org_id):
        assert ProductPrice.objects.count() == entries["imported"]
        assert Product.objects.filter(price__isnull=False).exists()  # from the standard price book
        lines = list(OrderLineItem.objects.select_related("product"))
    assert lines and all(line.product and line.name == line.product.name for line in lines)
