"""Load bench: many admins watching one running import (nothing is asserted).

    python bench/poll_load.py [--records 200000] [--clients 50] [--seconds 60] [--interval 1]

Needs the local PostgreSQL. It sets up like bench/import_bench.py (whose functions it
imports): its own database `crm_bench_load` owned by the app's non-superuser role, the
sandbox org in its own process, two orgs connected through the real OAuth flow. It then
starts the web app under gunicorn (as README "Running in production" does) and runs two
imports of the same sandbox org, each in a child process as a worker runs it:

1. "quiet": nobody watches;
2. "watched": `--clients` threads, each with its own HTTP session and the admin's JWT,
   poll the job's progress (`GET /api/salesforce/import/<id>/`) and problems
   (`GET .../errors/`) every `--interval` seconds (the job page polls every second) for
   `--seconds` from the moment the job exists.

Printed: per endpoint p50/p95/p99 latency, request rate and errors (any answer but 200,
or no answer within 30 s), over the whole window and over the part of it while the
import ran; per run the import's own records/s (job start to end) and its records/s
inside the window, so the two runs compare like for like.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness as setup  # noqa: E402  (the benches' shared setup, reused as is)

# Its own database, so a `make bench` at the same time is left alone.
setup.DATABASE = "crm_bench_load"
setup.DATABASE_URL = f"postgres://{setup.ROLE}:{setup.PASSWORD}@127.0.0.1:5432/{setup.DATABASE}"

PASSWORD = "bench-pass-123"
REQUEST_TIMEOUT = 30


@dataclass(frozen=True)
class Sample:
    endpoint: str  # "progress" or "problems"
    seconds: float
    ok: bool
    while_importing: bool


@dataclass
class Run:
    label: str
    clients: int
    job_seconds: float = 0.0  # the job's own start to end
    fetched: int = 0
    window_seconds: float = 0.0
    window_records: int = 0
    overlap_seconds: float = 0.0  # how much of the window the import was running
    status: str = ""
    samples: list[Sample] | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_web(workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    """The app under gunicorn, with the bench's environment (DEBUG off, its database)."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "crm.wsgi"),
            *("--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads)),
            *("--log-level", "warning"),
        ],
        cwd=setup.ROOT,
        env=os.environ.copy(),
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login/", timeout=5)
            return process, base
        except (requests.ConnectionError, requests.Timeout):  # still booting
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited at start-up") from None
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def login(base: str, email: str) -> str:
    response = requests.post(
        f"{base}/api/auth/login/", json={"email": email, "password": PASSWORD}, timeout=REQUEST_TIMEOUT
    )
    response.raise_for_status()
    return response.json()["access"]


def done_so_far(org_id) -> tuple[object, int, str] | None:
    job = setup.latest_job(org_id)
    if job is None:
        return None
    done = job.imported_count + job.matched_count + job.skipped_count + job.error_count
    return job.pk, done, job.status


def poll(base, token, job_id, interval, stop, importing, samples) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    urls = [
        ("progress", f"{base}/api/salesforce/import/{job_id}/"),
        ("problems", f"{base}/api/salesforce/import/{job_id}/errors/"),
    ]
    # Spread the clients over the interval, as browsers opened at different moments are.
    next_at = time.monotonic() + random.uniform(0, interval)
    while not stop.wait(max(0.0, next_at - time.monotonic())):
        for endpoint, url in urls:
            started = time.perf_counter()
            try:
                ok = session.get(url, timeout=REQUEST_TIMEOUT, allow_redirects=False).status_code == 200
            except requests.RequestException:
                ok = False
            samples.append(Sample(endpoint, time.perf_counter() - started, ok, importing.is_set()))
        next_at = max(next_at + interval, time.monotonic())
    session.close()


def measured_import(run: Run, env, org_id, base, token, seconds, interval) -> Run:
    """One import in a child process, with `run.clients` pollers on it for `seconds`."""
    importing, stop, samples, failure = threading.Event(), threading.Event(), [], []
    importing.set()

    def import_in_child():
        try:
            setup.run_import(env, org_id)
        except Exception as exc:  # reported below, after the pollers stop
            failure.append(exc)
        finally:
            importing.clear()

    child = threading.Thread(target=import_in_child)
    child.start()
    while (first := done_so_far(org_id)) is None:
        if not child.is_alive():
            raise RuntimeError(f"the import never created its job: {failure}")
        time.sleep(0.05)
    job_id, done_at_start, _ = first
    window_started = time.monotonic()
    pollers = [
        threading.Thread(target=poll, args=(base, token, job_id, interval, stop, importing, samples))
        for _ in range(run.clients)
    ]
    for poller in pollers:
        poller.start()
    ended_at = None
    while (elapsed := time.monotonic() - window_started) < seconds:
        if ended_at is None and not importing.is_set():
            ended_at = elapsed
        time.sleep(0.05)
    _, done_at_end, _ = done_so_far(org_id)
    run.window_seconds = time.monotonic() - window_started
    run.window_records = done_at_end - done_at_start
    run.overlap_seconds = ended_at if ended_at is not None else run.window_seconds
    stop.set()
    for poller in pollers:
        poller.join()
    child.join()
    if failure:
        raise failure[0]
    job = setup.latest_job(org_id)
    run.status = f"{job.status} {job.failure_reason}".strip()
    run.fetched = job.imported_count + job.matched_count + job.skipped_count + job.error_count
    run.job_seconds = (job.completed_at - job.started_at).total_seconds()
    run.samples = samples
    return run


def latency_line(samples: list[Sample], seconds: float) -> str:
    if not samples:
        return "no requests"
    errors = sum(not s.ok for s in samples)
    times = sorted(s.seconds * 1000 for s in samples)
    if len(times) > 1:
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        p50, p95, p99 = cuts[49], cuts[94], cuts[98]
    else:
        p50 = p95 = p99 = times[0]
    return (
        f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  max {times[-1]:6.0f} ms  "
        f"{len(samples):6,} requests ({len(samples) / max(seconds, 1e-9):5.1f}/s)  errors {errors:,}"
    )


def report(args, runs: list[Run]) -> None:
    print()
    print(
        f"  org: {args.records:,} generated records; {args.clients} clients every {args.interval:g} s "
        f"for {args.seconds:g} s; gunicorn --workers {args.web_workers} --threads {args.web_threads}; "
        "PostgreSQL, app role under RLS"
    )
    for run in runs:
        print(
            f"  import, {run.label:8} {run.status}: {run.fetched:,} records in {run.job_seconds:.1f} s = "
            f"{run.fetched / max(run.job_seconds, 1e-9):7,.0f} records/s; in the {run.window_seconds:.0f} s "
            f"window {run.window_records / max(run.window_seconds, 1e-9):7,.0f} records/s "
            f"(import running for {run.overlap_seconds:.0f} s of it)"
        )
    quiet, watched = runs
    if quiet.job_seconds and watched.job_seconds and quiet.window_records:
        overall = (watched.fetched / watched.job_seconds) / (quiet.fetched / quiet.job_seconds)
        window = (watched.window_records / watched.window_seconds) / (
            quiet.window_records / quiet.window_seconds
        )
        print(f"  watched / quiet: {overall:.2f}x records/s overall, {window:.2f}x in the window")
    samples = watched.samples or []
    running = [s for s in samples if s.while_importing]
    for endpoint in ("progress", "problems", None):
        chosen = [s for s in samples if endpoint is None or s.endpoint == endpoint]
        label = endpoint or "both"
        print(f"  {label:8} whole window   {latency_line(chosen, watched.window_seconds)}")
        during = [s for s in running if endpoint is None or s.endpoint == endpoint]
        print(f"  {label:8} while importing {latency_line(during, watched.overlap_seconds)}")
    if watched.overlap_seconds < watched.window_seconds - 1:
        print("  (the import ended inside the window: more --records keep it running throughout)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000, help="sandbox org size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=50, help="concurrent pollers")
    parser.add_argument("--seconds", type=float, default=60, help="how long they poll")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between one client's polls")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn --workers")
    parser.add_argument("--web-threads", type=int, default=1, help="gunicorn --threads")
    args = parser.parse_args()

    setup.prepare_database()
    sandbox, url = setup.start_sandbox(args.records, args.seed)
    web = None
    try:
        env = setup.configure_django(url)
        from django.core.management import call_command

        from common.services import create_org_admin

        call_command("migrate", verbosity=0)
        quiet = create_org_admin("Quiet Org", "quiet@example.com", PASSWORD)
        watched = create_org_admin("Watched Org", "watched@example.com", PASSWORD)
        for profile in (quiet, watched):
            setup.connect(profile)
        web, base = start_web(args.web_workers, args.web_threads)
        token = login(base, "watched@example.com")
        # The same work twice (each org imports the whole sandbox org), the server up both times.
        runs = [
            measured_import(Run("quiet", 0), env, quiet.org_id, base, token, args.seconds, args.interval),
            measured_import(
                Run("watched", args.clients), env, watched.org_id, base, token, args.seconds, args.interval
            ),
        ]
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=30)
        sandbox.terminate()
    report(args, runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
