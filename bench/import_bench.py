"""Import benchmark: prints the figures behind NOTES.md sections 5 and 8.8 (nothing is asserted).

    python bench/import_bench.py [--records 1000000] [--realistic-records 200000]
                                 [--profiles instant,realistic] [--seed 1] [--baseline 3000]

Needs the local PostgreSQL and Redis. For each cost profile of the sandbox org ("instant":
no added latency; "realistic": a real org's latency, page sizes and Bulk job times,
sfsandbox/README "Costs") it creates the database `crm_bench` owned by the app's
non-superuser role (row-level security on), starts the sandbox org in its own process,
connects through the real OAuth flow, and measures in that one run:

1. the import as a worker runs it (`salesforce_import --inline` in a child process), with
   Bulk API 2.0 above SALESFORCE_BULK_THRESHOLD: records/s overall and per object, peak RSS;
2. the same org imported into a second CRM org through REST only (Bulk off);
3. the same org imported into a third CRM org by two Celery worker processes
   (IMPORT_PARALLELISM=2);
4. the re-import of the unchanged org, and (instant profile) after 1% of it changed;
5. the source design's per-record loop on a sample of accounts, and the limit: PostgreSQL
   COPY of the first import's converted rows into the same tables.

Every figure is also written to bench/results.json with a description of the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import time
from pathlib import Path

import harness
import requests
from harness import fetched, per_object

RESULTS = Path(__file__).resolve().parent / "results.json"
MUTATION = {"object": "*", "change": 0.01, "add": 0.001, "delete": 0.001}


def run_profile(profile: str, records: int, args) -> dict:
    harness.prepare_database()
    sandbox, url = harness.start_sandbox(records, args.seed, profile)
    try:
        env = harness.configure_django(url)
        from django.core.management import call_command

        from common.services import create_org_admin

        call_command("migrate", verbosity=0)
        result: dict = {"profile": profile, "generated_records": records}

        def stats():
            return requests.get(f"{url}/_sandbox/stats", timeout=30).json()

        def reset():
            requests.post(f"{url}/_sandbox/reset-stats", timeout=30)

        def new_org(name):
            admin = create_org_admin(f"{name} org", f"{name}-{profile}@example.com", "bench-pass-123")
            harness.connect(admin)
            reset()
            return admin

        main = new_org("bulk")
        seconds, peak = harness.run_import(env, main.org_id)
        job = harness.latest_job(main.org_id)
        calls = stats()
        result["import"] = {
            "path": "Bulk API 2.0 above SALESFORCE_BULK_THRESHOLD, REST below",
            "status": job.status,
            "failure": job.failure_reason,
            "records": fetched(job),
            "buckets": {
                "imported": job.imported_count,
                "matched": job.matched_count,
                "skipped": job.skipped_count,
                "errors": job.error_count,
                "warnings": job.warning_count,
            },
            "seconds": round(seconds, 1),
            "records_per_second": round(fetched(job) / seconds),
            "worker_peak_rss_mb": round(peak),
            "api_calls": calls["api_calls"],
            "api_calls_by_kind": calls["calls"],
            "rest_call_budget": sum(math.ceil((e["total"] or 0) / 2000) + 3 for e in job.progress.values()),
            "per_object": per_object(job),
        }

        reset()
        re_seconds, re_peak = harness.run_import(env, main.org_id)
        again = harness.latest_job(main.org_id)
        result["reimport_unchanged"] = {
            "seconds": round(re_seconds, 1),
            "fetched": again.total_records,
            "api_calls": stats()["api_calls"],
            "worker_peak_rss_mb": round(re_peak),
            "status": again.status,
        }
        if profile == "instant":
            result["reimport_changed"] = []
            for number, extra in enumerate(((), ("--update-changed",))):
                requests.post(f"{url}/_sandbox/mutate", json={**MUTATION, "seed": number + 7}, timeout=300)
                reset()
                delta_seconds, delta_peak = harness.run_import(env, main.org_id, *extra)
                delta = harness.latest_job(main.org_id)
                result["reimport_changed"].append(
                    {
                        "update_changed": bool(extra),
                        "seconds": round(delta_seconds, 1),
                        "fetched": delta.total_records,
                        "imported": delta.imported_count,
                        "updated": delta.updated_count,
                        "skipped": delta.skipped_count,
                        "errors": delta.error_count,
                        "deleted_in_salesforce": delta.deleted_in_salesforce,
                        "api_calls": stats()["api_calls"],
                        "worker_peak_rss_mb": round(delta_peak),
                    }
                )
            # The comparisons below import the org as it now is: the same for both.
        if not args.skip_rest:
            rest = new_org("rest")
            rest_seconds, rest_peak = harness.run_import(
                env, rest.org_id, settings={"SALESFORCE_BULK_THRESHOLD": "0"}
            )
            rest_job = harness.latest_job(rest.org_id)
            result["rest_only"] = {
                "status": rest_job.status,
                "records": fetched(rest_job),
                "seconds": round(rest_seconds, 1),
                "records_per_second": round(fetched(rest_job) / rest_seconds),
                "worker_peak_rss_mb": round(rest_peak),
                "api_calls": stats()["api_calls"],
                "per_object": per_object(rest_job),
            }
        if args.workers > 1:
            spread = new_org("workers")
            worker_seconds, worker_peak = harness.run_with_workers(
                env, spread.org_id, args.workers, {"IMPORT_PARALLELISM": str(args.workers)}
            )
            spread_job = harness.latest_job(spread.org_id)
            result["workers"] = {
                "workers": args.workers,
                "status": spread_job.status,
                "failure": spread_job.failure_reason,
                "records": fetched(spread_job),
                "seconds": round(worker_seconds, 1),
                "records_per_second": round(fetched(spread_job) / worker_seconds),
                "worker_peak_rss_mb": round(worker_peak),
                "api_calls": stats()["api_calls"],
            }

        copy_rows, copy_seconds = harness.copy_limit(main.org_id)
        baseline = create_org_admin(
            f"Baseline {profile}", f"baseline-{profile}@example.com", "bench-pass-123"
        )
        harness.connect(baseline)
        loop_rate = harness.per_record_loop(baseline, args.baseline)
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=30)
    records_per_copy_row = result["import"]["records"] / max(copy_rows, 1)
    copy_rate = copy_rows / copy_seconds * records_per_copy_row
    rate = result["import"]["records_per_second"]
    result["per_record_loop"] = {"records_per_second": round(loop_rate), "accounts": args.baseline}
    result["copy_limit"] = {"records_per_second": round(copy_rate), "rows": copy_rows}
    result["ratios"] = {
        "import_vs_loop": round(rate / loop_rate, 1),
        "import_vs_copy": round(rate / copy_rate, 2),
        **(
            {"rest_only_vs_copy": round(result["rest_only"]["records_per_second"] / copy_rate, 2)}
            if "rest_only" in result
            else {}
        ),
        **(
            {"workers_vs_copy": round(result["workers"]["records_per_second"] / copy_rate, 2)}
            if "workers" in result
            else {}
        ),
    }
    return result


def report(result: dict) -> None:
    imp, ratios = result["import"], result["ratios"]
    lines = [
        ("profile", f"{result['profile']} ({result['generated_records']:,} generated records)"),
        ("job", f"{imp['status']} {imp['failure']}".strip()),
        ("fetched", f"{imp['records']:,} ({imp['buckets']})"),
        (
            "import (Bulk+REST)",
            f"{imp['seconds']:7.1f} s {imp['records_per_second']:9,} records/s   "
            f"peak RSS {imp['worker_peak_rss_mb']} MB   {imp['api_calls']:,} API calls",
        ),
    ]
    if "rest_only" in result:
        rest = result["rest_only"]
        lines.append(
            (
                "import (REST only)",
                f"{rest['seconds']:7.1f} s {rest['records_per_second']:9,} records/s   "
                f"peak RSS {rest['worker_peak_rss_mb']} MB   {rest['api_calls']:,} API calls",
            )
        )
    if "workers" in result:
        spread = result["workers"]
        lines.append(
            (
                f"import ({spread['workers']} workers)",
                f"{spread['seconds']:7.1f} s {spread['records_per_second']:9,} records/s   "
                f"peak RSS {spread['worker_peak_rss_mb']} MB   "
                f"{spread['status']} {spread['failure']}".rstrip(),
            )
        )
    again = result["reimport_unchanged"]
    lines.append(
        (
            "re-import (unchanged)",
            f"{again['seconds']:7.1f} s   fetched {again['fetched']:,}   {again['api_calls']} API calls   "
            f"peak RSS {again['worker_peak_rss_mb']} MB",
        )
    )
    for delta in result.get("reimport_changed", []):
        lines.append(
            (
                "re-import, 1% changed" + (" +update" if delta["update_changed"] else ""),
                f"{delta['seconds']:7.1f} s   fetched {delta['fetched']:,}: imported {delta['imported']:,}, "
                f"updated {delta['updated']:,}, skipped {delta['skipped']:,}, errors {delta['errors']:,}, "
                f"deleted in Salesforce {delta['deleted_in_salesforce']:,}; {delta['api_calls']} API calls",
            )
        )
    loop, copy = result["per_record_loop"]["records_per_second"], result["copy_limit"]["records_per_second"]
    lines += [
        ("per-record loop", f"{loop:9,} records/s: import is {ratios['import_vs_loop']}x"),
        ("COPY limit", f"{copy:9,} records/s: import is {ratios['import_vs_copy']}x"),
        ("ratios", str(ratios)),
        ("API calls by kind", str(imp["api_calls_by_kind"])),
    ]
    print()
    for label, value in lines:
        print(f"  {label:26} {value}")
    print("  per object (Bulk+REST vs REST only), records/s:")
    rest_objects = result.get("rest_only", {}).get("per_object", {})
    for sobject, figures in imp["per_object"].items():
        other = rest_objects.get(sobject, {}).get("records_per_second")
        print(
            f"    {sobject:22} {figures['records']:9,} {figures['seconds']:7.1f} s "
            f"{figures['records_per_second'] or 0:9,}/s   REST only {other or 0:9,}/s"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="org size, instant profile")
    parser.add_argument("--realistic-records", type=int, default=200_000, help="org size, realistic profile")
    parser.add_argument("--profiles", default="instant,realistic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline", type=int, default=3000, help="accounts for the per-record loop")
    parser.add_argument(
        "--workers", type=int, default=2, help="worker processes for the scale-out run (1: skip)"
    )
    parser.add_argument("--skip-rest", action="store_true", help="no REST-only comparison import")
    args = parser.parse_args()
    sizes = {"instant": args.records, "realistic": args.realistic_records}
    results = {"machine": harness.machine(), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    results["profiles"] = {}
    for profile in [p.strip() for p in args.profiles.split(",") if p.strip()]:
        # Each profile in a fresh process would re-import Django; one process, one database each.
        results["profiles"][profile] = run_profile(profile, sizes[profile], args)
        report(results["profiles"][profile])
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n  bench process peak RSS {peak:.0f} MB; figures in {RESULTS.relative_to(Path.cwd())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
