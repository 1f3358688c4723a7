"""What `describe` says decides what is selected: hidden fields and multi-currency orgs."""

import pytest

from accounts.models import Account
from common.rls import org_context
from opportunity.models import Opportunity
from salesforce_imports.models import ImportProblem, JobStatus

from .test_import_engine import run, start

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_field_hidden_by_field_level_security_is_one_warning_not_an_error_per_record(
    sandbox_factory, admin_api, admin_profile, connect
):
    sandbox_factory(records=400, seed=2, hidden_fields={"Account": ["Phone", "AnnualRevenue"]})
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account"]))
    assert job.status == JobStatus.COMPLETED
    with org_context(admin_profile.org_id):
        job_warnings = ImportProblem.objects.filter(job=job, salesforce_id="")
        assert job_warnings.count() == 1
        assert "Phone" in job_warnings.get().message and "AnnualRevenue" in job_warnings.get().message
        assert not Account.objects.exclude(phone="").exists()
        assert not ImportProblem.objects.filter(field__in=["Phone", "AnnualRevenue"]).exclude(
            salesforce_id=""
        )


def test_single_currency_org_has_no_currency_warning(sandbox_factory, admin_api, admin_profile, connect):
    sandbox_factory(records=200, seed=2)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account"]))
    with org_context(admin_profile.org_id):
        assert not ImportProblem.objects.filter(job=job, message__contains="CurrencyIsoCode").exists()


def test_multi_currency_org_brings_currencies(sandbox_factory, admin_api, admin_profile, connect):
    sandbox_factory(records=300, seed=2, multi_currency=True)
    assert connect(admin_api)["Location"].endswith("result=connected")
    job = run(admin_profile, start(admin_api, ["Account", "Opportunity"]))
    assert job.status == JobStatus.COMPLETED
    with org_context(admin_profile.org_id):
        assert Opportunity.objects.exclude(currency="").exists()
        assert {len(c) for c in Opportunity.objects.values_list("currency", flat=True)} <= {0, 3}
