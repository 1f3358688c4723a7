"""Properties of every mapping: convert never raises, and whatever it returns fits the CRM column.

Also converts the real Salesforce sample exports in ../shared/sample-data when present.
"""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pycountry
import pytest
from django.db import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesforce_imports.mapping import MAPPINGS, values

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "sample-data" / "salesforce"

# Values that reach the interesting branches: real picklist values, countries, CSV-shaped numbers,
# dates and booleans, next to arbitrary JSON.
SALESFORCE_LIKE = st.sampled_from(
    [
        "Closed Won", "Negotiation/Review", "Web", "Technology", "New Customer", "Activated", "Presented",
        "United States", "UK", "Deutschland", "Atlantis", "EUR", "usd",
        "true", "false", "TRUE", "0", "1", "-1", "101", "100.5", "1e3", "1e400", "-0.004",
        "99999999999999.999",
        "2024-01-31", "2024-02-30", "2024-01-31T12:00:00.000Z", "2024-01-31T12:00:00.000+0000", "0000000123",
        "ada@example.com", "not an email", "\x00", "\ud800", "e\u0301" * 200, "👩‍👩‍👧" * 100,
    ]
)  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.text(min_size=240, max_size=300)
    | st.decimals(allow_nan=False).map(str)
    | st.dates().map(date.isoformat)
    | st.datetimes(timezones=st.timezones()).map(datetime.isoformat)
    | SALESFORCE_LIKE
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=4,
)


def records_for(mapping):
    names = [*mapping.soql_fields, *mapping.audit_fields]
    keys = st.sampled_from([*names, *(name.lower() for name in names), "attributes"])
    return st.dictionaries(keys, JSONISH, max_size=len(names) + 2)


def assert_fits(mapping, name, value):
    field = mapping.model_field(name)
    if isinstance(field, models.BooleanField):
        assert type(value) is bool
    elif isinstance(field, models.DecimalField):
        assert value is None or (isinstance(value, Decimal) and value.is_finite())
    elif isinstance(field, models.IntegerField):
        assert value is None or type(value) is int
    elif isinstance(field, models.DateTimeField):
        assert value is None or (isinstance(value, datetime) and value.utcoffset() == timedelta(0))
    elif isinstance(field, models.DateField):
        assert value is None or type(value) is date
    elif isinstance(field, models.JSONField):  # custom_fields: links to kinds the CRM lacks
        assert isinstance(value, dict)
        json.dumps(value)
        return
    else:
        assert type(value) is str
        assert value == value.strip() and "\x00" not in value
        value.encode("utf-8")  # no unpaired surrogates
        if name.endswith("country"):
            assert value == "" or pycountry.countries.get(alpha_2=value)
    if value is not None:
        # The model's own rules: max_length, choices, max_digits/decimal_places, min/max validators.
        field.clean(value, None)


def assert_converted_fits(mapping, converted):
    assert all(problem.field for problem in converted.problems), converted.problems  # no internal error
    for problem in converted.problems:  # storable as an ImportProblem, and short enough to read
        assert problem.severity in ("error", "warning")
        assert "\x00" not in problem.message and len(problem.message) < 400
        problem.message.encode("utf-8")
    for name, value in converted.values.items():
        assert_fits(mapping, name, value)
    for crm, (target, sf_id) in converted.references.items():
        assert mapping.model._meta.get_field(crm).many_to_one
        assert target in MAPPINGS and sf_id and sf_id == sf_id.strip()
    if converted.ok:  # an importable record has a value for every mapped field (created_at when dated)
        assert set(converted.values) - {"created_at"} == {row.crm for row in mapping.fields}


@pytest.mark.parametrize("sobject", list(MAPPINGS))
@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_convert_never_raises_and_its_values_fit_the_model(sobject, data):
    mapping = MAPPINGS[sobject]
    record = data.draw(records_for(mapping))
    assert_converted_fits(mapping, mapping.convert(record))


@given(text=st.text(min_size=1), salt=st.text(alphabet="0123456789ABCDEFabcdef", min_size=15, max_size=18))
@settings(database=None)
def test_disambiguate_always_fits(text, salt):
    for mapping in MAPPINGS.values():
        key = mapping.natural_key
        if key and key.on_duplicate == "suffix":
            assert len(mapping.disambiguate(text, salt)) <= mapping.model_field(key.field).max_length


@given(raw=JSONISH)
@settings(database=None)
def test_text_converter_is_total_and_fits(raw):
    field = MAPPINGS["Account"].model_field("name")
    try:
        value = values.text(raw, field, lambda message: None)
    except values.Invalid:
        return
    assert isinstance(value, str) and len(value) <= field.max_length


def sample_files():
    """The sObject-tree files ({"records": [...]}) that hold records of a mapped type."""
    found = []
    for path in sorted(SAMPLES.glob("*/*.json")) if SAMPLES.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data.get("records") if isinstance(data, dict) else None
        if any(record.get("attributes", {}).get("type") in MAPPINGS for record in records or []):
            found.append(path)
    return found


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="no Salesforce sample data on this machine")
@pytest.mark.parametrize("path", sample_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_real_sample_records_convert(path):
    records = json.loads(path.read_text(encoding="utf-8"))["records"]
    for record in records:
        mapping = MAPPINGS.get(record["attributes"]["type"])
        if mapping is None:
            continue
        converted = mapping.convert(record)
        assert_converted_fits(mapping, converted)
        # The exports are valid Salesforce data: every record imports (warnings aside).
        assert converted.ok, converted.problems
