"""common.exact_json.dumps reuses one C encoder: the text must be json.dumps's to the byte."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest

from common import exact_json
from common.exact_json import ExactJSONDecoder, ExactJSONEncoder

VALUES = [
    {},
    [],
    {
        "Amount__c": Decimal("1234567890123456.78"),
        "Ratio__c": Decimal("0.10"),
        "Tiny__c": Decimal("-1E-7"),
        "Huge__c": Decimal("1.5E+40"),
        "Zero__c": Decimal("-0"),
        "Count__c": 12345678901234567890,
        "Float__c": 0.1,
        "Nan__c": float("nan"),
        "Inf__c": float("-inf"),
        "Flag__c": False,
        "Empty__c": None,
        "Tags__c": ["a", "b", Decimal("2.50")],
        "Lookup__c": {"salesforce_id": "001000000000001AAA", "id": None},
        "Text__c": 'Caf\u00e9 \u2028 "quoted" back\\slash \n\t\x01 \U0001f600',
        "\u00e9t\u00e9__c": "decimal:1.5",
        "Nested__c": {"a": [{"b": (1, 2)}], "when": datetime.date(2024, 2, 29)},
    },
    {
        "When__c": datetime.datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=datetime.UTC),
        "Key__c": uuid.UUID(int=7),
    },
    {1: "int key", False: "bool key", None: "none key", 2.5: "float key"},
    "top-level text",
    Decimal("3.14"),
    42,
]


def reference(value) -> str:
    return json.dumps(value, cls=ExactJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def test_the_c_encoder_is_the_one_in_use():
    assert exact_json._encode_compact is not None


@pytest.mark.parametrize("value", VALUES)
def test_the_same_text_as_json_dumps(value):
    assert exact_json.dumps(value) == reference(value)


@pytest.mark.parametrize("value", VALUES)
def test_the_same_text_without_the_c_encoder(value, monkeypatch):
    monkeypatch.setattr(exact_json, "_encode_compact", None)
    assert exact_json.dumps(value) == reference(value)


def test_decimals_come_back_with_every_digit():
    value = {"Amount__c": Decimal("1234567890123456.78"), "Ratio__c": Decimal("0.10")}
    text = exact_json.dumps(value)
    assert text == '{"Amount__c":1234567890123456.78,"Ratio__c":0.10}'
    assert json.loads(text, cls=ExactJSONDecoder) == value


@pytest.mark.parametrize(
    "bad, error",
    [
        ({"x": Decimal("NaN")}, ValueError),
        ({"x": Decimal("Infinity")}, ValueError),
        ({"x": object()}, TypeError),
    ],
)
def test_what_json_dumps_refuses_is_refused_and_the_next_call_is_unharmed(bad, error):
    with pytest.raises(error):
        reference(bad)
    with pytest.raises(error):
        exact_json.dumps(bad)
    shared = ["a"]
    assert exact_json.dumps({"x": shared, "y": shared}) == '{"x":["a"],"y":["a"]}'
