"""RowWriter.encode: the COPY tuples, defaults filled in as each field's get_default would."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db.models import JSONField
from django.utils import timezone

from accounts.models import Account
from activities.models import Task
from common import exact_json
from opportunity.models import OpportunityLineItem
from salesforce_imports.engine.bulk import RowWriter
from salesforce_imports.models import ImportedRecord, ImportProblem, PendingLink

MODELS = [Account, Task, OpportunityLineItem, ImportedRecord, PendingLink, ImportProblem]


def field_by_field(writer: RowWriter, row: dict, now) -> tuple:
    """The plain way: each column's value, else its field's default, made there and then."""
    values = []
    for field in writer.fields:
        if field.attname in row:
            value = row[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        if isinstance(field, JSONField) and value is not None:
            value = exact_json.dumps(value)
        values.append(value)
    return tuple(values)


def comparable(writer, values):
    """The defaults made per row (new keys, the time) as their kind, the rest as they are."""
    made = {i for i, _ in writer.made_defaults} | {
        i
        for i, f in enumerate(writer.fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    return tuple(
        type(v) if i in made and isinstance(v, uuid.UUID | datetime.datetime) else v
        for i, v in enumerate(values)
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_full_row_is_its_values_in_column_order(model):
    writer = RowWriter(model)
    row = {f.attname: f"value of {f.attname}" for f in writer.fields if f.name != "custom_fields"}
    expected = tuple(row.get(f.attname, '{"Tier__c":"Gold"}') for f in writer.fields)
    if "custom_fields" in writer.attnames:
        row["custom_fields"] = {"Tier__c": "Gold"}
    assert writer.encode([row]) == [expected]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_missing_columns_get_what_get_default_gives(model):
    writer = RowWriter(model)
    rows = [{}, {}, {writer.attnames[0]: "given"}]
    before = timezone.now()
    encoded = writer.encode(rows)
    for row, values in zip(rows, encoded, strict=True):
        assert comparable(writer, values) == comparable(writer, field_by_field(writer, row, before))
        for field, value in zip(writer.fields, values, strict=True):
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                assert before <= value <= timezone.now()
    if "id" in writer.attnames:  # a new key per row, not one shared
        at = writer.attnames.index("id")
        assert isinstance(encoded[0][at], uuid.UUID) and encoded[0][at] != encoded[1][at]


def test_custom_fields_become_exact_json_text_and_none_stays_null():
    writer = RowWriter(Account)
    at = writer.attnames.index("custom_fields")
    rows = [
        {"custom_fields": {"Limit__c": Decimal("1234567890123456.78"), "Name__c": "Caf\u00e9"}},
        {},
        {"custom_fields": None},
    ]
    assert [values[at] for values in writer.encode(rows)] == [
        '{"Limit__c":1234567890123456.78,"Name__c":"Café"}',
        "{}",
        None,
    ]


def test_constant_defaults_are_not_called_per_row():
    writer = RowWriter(ImportedRecord)
    assert [writer.attnames[i] for i, _ in writer.made_defaults] == []
    outcome = writer.attnames.index("outcome")
    assert writer.encode([{}])[0][outcome] == ImportedRecord.Outcome.IMPORTED
