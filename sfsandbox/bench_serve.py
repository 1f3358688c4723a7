"""Serving speed and memory figures: python -m sfsandbox.bench_serve [--records N].

Prints (does not assert) the server-side time to build a 2,000-record page (query,
JSON included) for the importer's queries (Account, Contact, Task with and without archived
rows, ContentDocumentLink by note, one ContentNote body), a 1% mutation and the delta queries after
it (changed since, deleted since), the same over HTTP from a separate server
process, and that process's resident memory with a 1,000,000-record org; then the realistic
profile: a REST page, and a Bulk job downloaded by locator and through resultPages.
"""

from __future__ import annotations

import argparse
import io
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

from sfsandbox.app import SandboxApp
from sfsandbox.data import Org
from sfsandbox.testing import LoopbackSession, pkce_pair

ACCOUNT_FIELDS = (
    "Id, Name, Website, Phone, Industry, NumberOfEmployees, AnnualRevenue, "
    "Description, BillingStreet, BillingCity, BillingState, BillingPostalCode, "
    "BillingCountry"
)
CONTACT_FIELDS = (
    "Id, FirstName, LastName, Email, Phone, Title, Department, AccountId, "
    "DoNotCall, MailingStreet, MailingCity, MailingState, MailingPostalCode, "
    "MailingCountry, Description"
)


def _environ(path: str, query: str, token: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_HOST": "127.0.0.1:1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
    }


def in_process(records: int) -> None:
    started = time.perf_counter()
    org = Org(records, seed=1)  # no read-ahead: every page built on request (cold)
    app = SandboxApp(org)
    print(f"org of {records:,} records ready in {time.perf_counter() - started:.3f} s")
    token = app.oauth._token_response("http://127.0.0.1:1", ("api",), None, include_refresh=False)[
        "access_token"
    ]
    for object_name, fields in (("Account", ACCOUNT_FIELDS), ("Contact", CONTACT_FIELDS)):
        n = org.generated_count(object_name)
        for label, where in (
            ("first page", "IsDeleted = false"),
            (
                "keyset page mid-object",
                f"IsDeleted = false AND Id > '{org.record_at(object_name, n // 2)['Id']}'",
            ),
        ):
            soql = f"SELECT {fields} FROM {object_name} WHERE {where} ORDER BY Id LIMIT 2000"
            timings = []
            for _ in range(5):
                environ = _environ("/services/data/v62.0/query/", urlencode({"q": soql}), token)
                start = time.perf_counter()
                body = b"".join(app(environ, lambda *a: None))
                timings.append(time.perf_counter() - start)
            print(
                f"{object_name:8} {label:24} 2,000 rows, {len(body) / 1e6:.2f} MB JSON: "
                f"median {statistics.median(timings) * 1000:.1f} ms (server-side)"
            )
        # With read-ahead, a page the client has not asked for yet is built while it works.
        warm_org = Org(records, seed=1, read_ahead=True)
        warm_app = SandboxApp(warm_org)
        warm_token = warm_app.oauth._token_response(
            "http://127.0.0.1:1", ("api",), None, include_refresh=False
        )["access_token"]
        soql = f"SELECT {fields} FROM {object_name} WHERE IsDeleted = false ORDER BY Id"
        environ = _environ("/services/data/v62.0/query/", urlencode({"q": soql}), warm_token)
        page = json.loads(b"".join(warm_app(environ, lambda *a: None)))
        timings = []
        for _ in range(5):
            time.sleep(0.2)  # the client's own work on the page it got
            path, _, _ = page["nextRecordsUrl"].partition("?")
            start = time.perf_counter()
            body = b"".join(warm_app(_environ(path, "", warm_token), lambda *a: None))
            timings.append(time.perf_counter() - start)
            page = json.loads(body)
        print(
            f"{object_name:8} next page with read-ahead     2,000 rows: median "
            f"{statistics.median(timings) * 1000:.1f} ms (server-side)"
        )
        count = f"SELECT COUNT() FROM {object_name} WHERE IsDeleted = false"
        start = time.perf_counter()
        b"".join(
            app(_environ("/services/data/v62.0/query/", urlencode({"q": count}), token), lambda *a: None)
        )
        print(f"{object_name:8} COUNT(): {(time.perf_counter() - start) * 1000:.1f} ms")


def history(records: int) -> None:
    """Sales history: archived-aware activity pages, note links by document, one note body."""
    org = Org(records, seed=1)
    app = SandboxApp(org)
    token = app.oauth._token_response("http://127.0.0.1:1", ("api",), None, include_refresh=False)[
        "access_token"
    ]

    def timed(path: str, query: str = "") -> tuple[float, int]:
        start = time.perf_counter()
        body = b"".join(app(_environ(path, query, token), lambda *a: None))
        return time.perf_counter() - start, len(body)

    task = "SELECT Id, Subject, Status, ActivityDate, WhoId, WhatId, AccountId FROM Task"
    for endpoint, label in (("query", "query (archived index built)"), ("queryAll", "queryAll")):
        first, _ = timed(f"/services/data/v62.0/{endpoint}/", urlencode({"q": task + " ORDER BY Id"}))
        again = statistics.median(
            timed(f"/services/data/v62.0/{endpoint}/", urlencode({"q": task + " ORDER BY Id"}))[0]
            for _ in range(3)
        )
        print(f"Task     first page, {label:28}: {first * 1000:.1f} ms first, {again * 1000:.1f} ms median")
    first_note = max(0, min(1000, org.generated_count("ContentNote") - 200))
    notes = [org.record_at("ContentNote", i)["Id"] for i in range(first_note, first_note + 200)]
    links = (
        "SELECT Id, ContentDocumentId, LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId IN ("
        + ",".join(f"'{n}'" for n in notes)
        + ")"
    )
    elapsed = statistics.median(
        timed("/services/data/v62.0/query/", urlencode({"q": links}))[0] for _ in range(5)
    )
    print(f"ContentDocumentLink WHERE ContentDocumentId IN (200 notes): median {elapsed * 1000:.1f} ms")
    bodies = [timed(f"/services/data/v62.0/sobjects/ContentNote/{n}/Content") for n in notes[:20]]
    elapsed = statistics.median(seconds for seconds, _ in bodies)
    print(f"ContentNote body (blob) call, {len(bodies)} notes: median {elapsed * 1000:.2f} ms")


def delta(records: int) -> None:
    """1% of every object changed (plus 0.1% added and deleted), then the delta queries."""
    org = Org(records, seed=1)
    app = SandboxApp(org)
    token = app.oauth._token_response("http://127.0.0.1:1", ("api",), None, include_refresh=False)[
        "access_token"
    ]
    since = org.clock.now_text()
    started = time.perf_counter()
    result = org.mutate({"object": "*", "change": 0.01, "add": 0.001, "delete": 0.001, "seed": 7})
    print(
        f"mutate 1% of every object of {records:,} records: {json.dumps(result['counts'])} in "
        f"{time.perf_counter() - started:.2f} s (clock now {result['now']})"
    )
    for endpoint, soql in (
        ("query", f"SELECT {CONTACT_FIELDS} FROM Contact WHERE SystemModstamp > {since} ORDER BY Id"),
        ("queryAll", f"SELECT Id FROM Contact WHERE IsDeleted = true AND SystemModstamp > {since}"),
        ("query", f"SELECT COUNT() FROM Task WHERE SystemModstamp > {since}"),
    ):
        builds = org.factory.builds
        started = time.perf_counter()
        response = app.dispatch(_environ(f"/services/data/v62.0/{endpoint}/", urlencode({"q": soql}), token))
        payload = json.loads(response.body)
        print(
            f"{endpoint} {soql[:60]}...: totalSize {payload['totalSize']} in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms, {org.factory.builds - builds} records built"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _start_server(records: int, *extra: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed argv: this interpreter and our module
        [sys.executable, "-m", "sfsandbox", "--port", str(port), "--records", str(records), *extra],
        stderr=subprocess.PIPE,
        text=True,
    )
    server.stderr.readline()  # "listening on ..." once the org is ready
    return server, f"http://127.0.0.1:{port}"


def _login(url: str) -> LoopbackSession:
    from urllib.parse import unquote

    verifier, challenge = pkce_pair()
    redirect = "http://127.0.0.1/cb"
    location = requests.post(
        url + "/services/oauth2/authorize",
        allow_redirects=False,
        timeout=30,
        data={
            "response_type": "code",
            "client_id": "sfsandbox-client-id",
            "redirect_uri": redirect,
            "code_challenge": challenge,
            "decision": "allow",
        },
    )
    code = location.headers["Location"].split("code=")[1].split("&")[0]
    tokens = requests.post(
        url + "/services/oauth2/token",
        timeout=30,
        data={
            "grant_type": "authorization_code",
            "code": unquote(code),
            "redirect_uri": redirect,
            "client_id": "sfsandbox-client-id",
            "client_secret": "sfsandbox-client-secret",
            "code_verifier": verifier,
        },
    ).json()
    session = LoopbackSession(url)
    session.headers["Authorization"] = f"Bearer {tokens['access_token']}"
    return session


def over_http(records: int) -> None:
    server, url = _start_server(records)
    try:
        print(f"server process RSS after start: {_rss_mb(server.pid):.1f} MB")
        session = _login(url)
        soql = f"SELECT {ACCOUNT_FIELDS} FROM Account WHERE IsDeleted = false ORDER BY Id"
        for pause in (0.0, 0.1):
            start = time.perf_counter()
            page = session.get(url + "/services/data/v62.0/query/", params={"q": soql}, timeout=60).json()
            timings = [time.perf_counter() - start]
            for _ in range(20):
                time.sleep(pause)  # the importer's own work on a page (DB writes)
                start = time.perf_counter()
                page = session.get(url + page["nextRecordsUrl"], timeout=60).json()
                timings.append(time.perf_counter() - start)
            print(
                f"HTTP: 21 Account pages of 2,000 via nextRecordsUrl, client pausing "
                f"{pause * 1000:.0f} ms between pages: median "
                f"{statistics.median(timings) * 1000:.1f} ms per page (client-side, "
                "JSON decode included)"
            )
        print(f"server process RSS after serving: {_rss_mb(server.pid):.1f} MB")
    finally:
        server.terminate()
        server.wait(timeout=10)


def realistic(records: int) -> None:
    """The realistic profile over HTTP: a REST page, and one Contact Bulk job downloaded page
    after page by locator, then in parallel through resultPages (gzip, as requests asks)."""
    from concurrent.futures import ThreadPoolExecutor

    server, url = _start_server(records, "--profile", "realistic")
    try:
        session = _login(url)
        base = url + "/services/data/v62.0"
        soql = f"SELECT {CONTACT_FIELDS} FROM Contact"
        start = time.perf_counter()
        page = session.get(base + "/query/", params={"q": soql}, timeout=120).json()
        print(
            f"realistic: REST Contact page of {len(page['records']):,} rows in "
            f"{(time.perf_counter() - start) * 1000:.0f} ms (client-side)"
        )
        start = time.perf_counter()
        job = session.post(
            base + "/jobs/query", json={"operation": "query", "query": soql}, timeout=60
        ).json()
        while session.get(base + f"/jobs/query/{job['id']}", timeout=60).json()["state"] != "JobComplete":
            time.sleep(0.5)
        waited = time.perf_counter() - start
        rows = 0
        start = time.perf_counter()
        locator = None
        while locator != "null":
            params = {"locator": locator} if locator else {}
            result = session.get(base + f"/jobs/query/{job['id']}/results", params=params, timeout=300)
            rows += int(result.headers["Sforce-NumberOfRecords"])
            locator = result.headers["Sforce-Locator"]
        serial = time.perf_counter() - start
        start = time.perf_counter()
        urls, next_url = [], f"/services/data/v62.0/jobs/query/{job['id']}/resultPages"
        while next_url:
            answer = session.get(url + next_url, timeout=60).json()
            urls += [item["resultUrl"] for item in answer["resultPages"]]
            next_url = answer["nextRecordsUrl"]

        def fetch(result_url: str) -> int:
            return int(session.get(url + result_url, timeout=300).headers["Sforce-NumberOfRecords"])

        with ThreadPoolExecutor(max_workers=4) as pool:
            parallel_rows = sum(pool.map(fetch, urls))
        parallel = time.perf_counter() - start
        print(
            f"realistic: Bulk job of {rows:,} Contacts complete after {waited:.1f} s; "
            f"downloaded by locator in {serial:.1f} s ({rows / serial:,.0f} rows/s), "
            f"through resultPages ({len(urls)} URLs, 4 at a time) in {parallel:.1f} s "
            f"({parallel_rows / parallel:,.0f} rows/s)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument(
        "--only-realistic", action="store_true", help="only the realistic profile's REST and Bulk figures"
    )
    parser.add_argument(
        "--cpu-per-record", action="store_true", help="only the server's CPU time per record served"
    )
    args = parser.parse_args()
    if args.cpu_per_record:
        from sfsandbox.bench_cpu import cpu_per_record

        cpu_per_record(args.records)
        return
    if args.only_realistic:
        realistic(args.records)
        return
    in_process(args.records)
    history(args.records)
    delta(args.records)
    over_http(args.records)
    realistic(args.records)


if __name__ == "__main__":
    main()
