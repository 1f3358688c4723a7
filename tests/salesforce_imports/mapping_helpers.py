"""Helpers shared by the mapping tests (test_mapping_objects.py, test_mapping_commerce.py)."""


def as_bulk_csv(record):
    """What Bulk API 2.0 CSV gives for the same record: strings, "" for null, true/false."""
    out = {}
    for key, value in record.items():
        if key == "attributes":
            continue
        if value is None:
            out[key] = ""
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        else:
            out[key] = str(value)
    return out


def problems(converted, severity=None):
    """A converted record's problems as (Salesforce field, severity), optionally of one severity."""
    return [(p.field, p.severity) for p in converted.problems if severity in (None, p.severity)]
