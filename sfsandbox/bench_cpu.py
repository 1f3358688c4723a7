"""The sandbox server's CPU time per record served: python -m sfsandbox.bench_serve --cpu-per-record.

On the bench machine the sandbox shares the cores with the importer and PostgreSQL (real
Salesforce's CPU is not ours), so every microsecond it spends per record is the importer's.
"""

from __future__ import annotations

import os
from pathlib import Path

from sfsandbox.bench_serve import _login, _start_server
from sfsandbox.refusals import COMPOUND_FIELDS

# What the importer reads (salesforce_imports.mapping.IMPORT_ORDER) and the fields it would
# select: all of a query job's kind (no compound or base64 fields), plus its parents' names.
IMPORTED = (
    "Product2",
    "PricebookEntry",
    "Account",
    "Contact",
    "Opportunity",
    "OpportunityLineItem",
    "Lead",
    "Case",
    "Order",
    "OrderItem",
    "Quote",
    "QuoteLineItem",
    "Task",
    "Event",
    "Note",
)
PARENT_NAMES = {
    "PricebookEntry": ", Pricebook2.Name, Pricebook2.IsStandard",
    "OpportunityLineItem": ", Product2.Name",
}


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_per_record(records: int) -> None:
    """The server process's CPU time per record served, REST pages then (a fresh server)
    Bulk CSV pages: on the bench machine, every microsecond is the importer's."""
    for mode in ("REST", "Bulk"):
        server, url = _start_server(records)
        try:
            session, base, served = _login(url), url + "/services/data/v62.0", 0
            started = _cpu_seconds(server.pid)
            for name in IMPORTED:
                described = session.get(f"{base}/sobjects/{name}/describe", timeout=60).json()["fields"]
                fields = [
                    f["name"]
                    for f in described
                    if f["type"] not in ("address", "location", "base64") and f["name"] not in COMPOUND_FIELDS
                ]
                soql = f"SELECT {', '.join(fields)}{PARENT_NAMES.get(name, '')} FROM {name} ORDER BY Id"
                if mode == "REST":
                    page = session.get(base + "/query/", params={"q": soql}, timeout=120).json()
                    served += len(page["records"])
                    while page.get("nextRecordsUrl"):
                        page = session.get(url + page["nextRecordsUrl"], timeout=120).json()
                        served += len(page["records"])
                    continue
                job = session.post(
                    base + "/jobs/query", json={"operation": "query", "query": soql}, timeout=60
                )
                locator, job_id = None, job.json()["id"]
                while locator != "null":
                    params = {"maxRecords": 50000, **({"locator": locator} if locator else {})}
                    result = session.get(f"{base}/jobs/query/{job_id}/results", params=params, timeout=300)
                    served += int(result.headers["Sforce-NumberOfRecords"])
                    locator = result.headers["Sforce-Locator"]
            used = _cpu_seconds(server.pid) - started
            print(
                f"{mode:4} {served:,} records of {len(IMPORTED)} objects: server CPU {used:.2f} s, "
                f"{used / max(served, 1) * 1e6:.1f} us per record served"
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
