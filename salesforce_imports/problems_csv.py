"""All of a job's problems as CSV, streamed, safe to open in a spreadsheet."""

import csv

from common.rls import org_context

from .selectors import problems_for

HEADER = ["object_type", "salesforce_id", "field", "severity", "message"]


class _Echo:
    def write(self, value):
        return value


def _cell(value: str) -> str:
    # A leading = + - @ would make a spreadsheet evaluate the cell (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rows(job):
    """Lines of CSV. Streaming runs after the request's org context is gone, so the
    generator sets it again itself."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    with org_context(job.org_id):
        for p in problems_for(job).values_list(*HEADER).iterator(chunk_size=2000):
            yield writer.writerow([_cell(str(v)) for v in p])
