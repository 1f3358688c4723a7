"""python -m sfsandbox --port 8765 --records 5000 [--seed S] [--profile realistic] [--faults ...]"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sfsandbox.app import SandboxApp
from sfsandbox.costs import PROFILES
from sfsandbox.data import Org
from sfsandbox.faults import Faults
from sfsandbox.oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
from sfsandbox.server import make_server


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sfsandbox", description="A local fake of Salesforce's API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--records",
        type=int,
        default=None,
        help="total generated records (default 5000, or 0 with --sample-data)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument(
        "--callback-url",
        action="append",
        default=[],
        help="allowed redirect_uri (repeatable); default: any loopback URL",
    )
    parser.add_argument(
        "--faults", default="", help="e.g. expire_token_after=100,error_503_at=5,latency_ms=20"
    )
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default=None,
        help="cost profile: realistic = a real org's latency and Bulk job times (README 'Costs'); "
        "--faults items override it",
    )
    parser.add_argument(
        "--sample-data",
        type=Path,
        action="append",
        default=[],
        help="folder of sObject-tree JSON files with a plan (repeatable)",
    )
    parser.add_argument(
        "--multi-currency",
        action="store_true",
        help="a multi-currency org: CurrencyType (USD corporate, EUR, GBP, JPY) and CurrencyIsoCode",
    )
    parser.add_argument("--users", type=int, default=None, help="generated Users (default 8)")
    parser.add_argument(
        "--hidden-fields", default="", help="field-level security, e.g. Account.AnnualRevenue,Contact.Email"
    )
    parser.add_argument(
        "--no-read-ahead",
        action="store_true",
        help="build every page on request instead of ahead of the client",
    )
    parser.add_argument(
        "--clock",
        default=None,
        help="the org clock: real time (default), or a start such as 2025-06-01T01:00:00Z, "
        "frozen except for the minute each POST /_sandbox/mutate moves it",
    )
    parser.add_argument(
        "--mutate",
        action="append",
        default=[],
        metavar="JSON",
        help='apply a mutation at start, e.g. \'{"object": "*", "change": 0.01, "seed": 7}\' (repeatable)',
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    records = args.records if args.records is not None else (0 if args.sample_data else 5000)
    hidden: dict[str, list[str]] = {}
    for item in filter(None, (s.strip() for s in args.hidden_fields.split(","))):
        object_name, _, field_name = item.partition(".")
        hidden.setdefault(object_name, []).append(field_name)
    org = Org(
        records,
        args.seed,
        multi_currency=args.multi_currency,
        hidden_fields=hidden,
        read_ahead=not args.no_read_ahead,
        users=args.users,
        clock=args.clock,
    )
    for folder in args.sample_data:
        from sfsandbox.sample_data import load_sample_data

        report = load_sample_data(org, folder)
        print(f"loaded {folder}: {json.dumps(report.inserted)}", file=sys.stderr)
    for spec in args.mutate:
        counts = org.mutate(json.loads(spec))["counts"]
        print(f"mutated: {json.dumps(counts)} at {org.clock.now_text()}", file=sys.stderr)
    app = SandboxApp(
        org,
        client_id=args.client_id,
        client_secret=args.client_secret,
        faults=Faults.parse(f"profile={args.profile},{args.faults}" if args.profile else args.faults),
        callback_urls=tuple(args.callback_url),
    )
    server = make_server(app, args.host, args.port)
    server.verbose = args.verbose
    host, port = server.server_address[:2]
    counts = {name: org.count(name, include_deleted=True) for name in org.objects}
    print(
        f"sfsandbox listening on http://{host}:{port} "
        f"(client_id={args.client_id}, records={json.dumps(counts)})",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
