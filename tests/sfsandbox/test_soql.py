import pytest

from sfsandbox.schema import build_objects
from sfsandbox.soql import SoqlError, parse

OBJECTS = build_objects()


def error_of(text):
    with pytest.raises(SoqlError) as caught:
        parse(text, OBJECTS)
    return caught.value


def test_importer_queries_use_the_fast_path():
    query = parse(
        "SELECT Id, Name FROM Account WHERE IsDeleted = false "
        "AND Id > '001Sx0000000003IAA' ORDER BY Id LIMIT 2000",
        OBJECTS,
    )
    assert query.id_lower == ("001Sx0000000003", False)
    assert query.deleted_filter is False and query.predicate is None
    assert query.ordered_by_id and query.limit == 2000
    assert parse("select count() from account where isdeleted = false", OBJECTS).is_count


@pytest.mark.parametrize(
    "text, code, reason",
    [
        ("SELECT Id, Nmae FROM Account", "INVALID_FIELD", "No such column 'Nmae' on entity"),
        ("SELECT Id FROM Foo", "INVALID_TYPE", "sObject type 'Foo' is not supported"),
        ("SELECT Id FORM Account", "MALFORMED_QUERY", "unexpected token"),
        ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY", "unexpected token: <EOF>"),
        (
            "SELECT Id FROM Account WHERE Name = 'a' AND Phone = 'b' OR Phone = 'c'",
            "MALFORMED_QUERY",
            "unexpected token: 'OR'",
        ),
        ("SELECT Id FROM Account WHERE Name = 5", "INVALID_QUERY_FILTER_OPERATOR", "must be of type string"),
        (
            "SELECT Id FROM Account WHERE Id = 'nope'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: nope",
        ),
        ("SELECT Acount.Name FROM Contact", "INVALID_FIELD", "Didn't understand relationship"),
        (
            "SELECT Id FROM Opportunity WHERE CloseDate > '2024-01-01'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "must be of type date",
        ),
    ],
)
def test_errors_carry_salesforce_codes_and_layout(text, code, reason):
    error = error_of(text)
    assert error.error_code == code
    assert reason in error.message
    if code != "MALFORMED_QUERY" or "<EOF>" not in reason:
        assert "\nERROR at Row:1:Column:" in error.message and "^" in error.message


def test_where_semantics():
    query = parse(
        "SELECT Id FROM Contact WHERE (Email LIKE '%@EXAMPLE.com' OR Email = null) "
        "AND CreatedDate >= 2020-01-01T00:00:00Z AND LastName IN ('Smith', 'Jones') "
        "AND Birthdate < 2000-01-01 AND DoNotCall != true",
        OBJECTS,
    )
    record = {
        "Email": "a@example.com",
        "CreatedDate": "2021-03-04T05:06:07.000+0000",
        "LastName": "SMITH",
        "Birthdate": "1990-01-01",
        "DoNotCall": False,
    }
    assert query.predicate(record)
    assert not query.predicate({**record, "LastName": "Brown"})
    assert query.predicate({**record, "Email": None})
    assert not query.predicate({**record, "Birthdate": None})


def test_datetime_literals_with_offsets_are_normalized_to_utc():
    query = parse("SELECT Id FROM Account WHERE SystemModstamp > 2024-01-31T12:00:00+02:00", OBJECTS)
    assert query.predicate({"SystemModstamp": "2024-01-31T10:00:01.000+0000"})
    assert not query.predicate({"SystemModstamp": "2024-01-31T10:00:00.000+0000"})


def test_two_lower_bounds_on_id_keep_the_tighter_one():
    x, a, b = "001Sx0000000005IAA", "001Sx0000000001IAA", "001Sx0000000009IAA"
    for where in (f"Id > '{x}' AND Id >= '{x}'", f"Id >= '{x}' AND Id > '{x}'"):
        query = parse(f"SELECT Id FROM Account WHERE {where}", OBJECTS)
        assert query.id_lower[1] is False, where  # exclusive: X itself is left out
    query = parse(f"SELECT Id FROM Account WHERE Id >= '{a}' AND Id > '{b}'", OBJECTS)
    assert query.id_lower[1] is False and query.id_lower[0].startswith("001Sx0000000009")
