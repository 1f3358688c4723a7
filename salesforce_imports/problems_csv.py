"""All of a job's problems as CSV, streamed, safe to open in a spreadsheet."""

import csv

HEADER = ["object_type", "salesforce_id", "field", "severity", "message"]


class _Echo:
    def write(self, value):
        return value


def _cell(value: str) -> str:
    # A leading = + - @ would make a spreadsheet evaluate the cell (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(problems):
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for p in problems.values_list(*HEADER).iterator(chunk_size=2000):
        yield writer.writerow([_cell(str(v)) for v in p])
