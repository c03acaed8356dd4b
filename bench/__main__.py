"""``python -m bench``: generate (or reuse) the databases, measure, print the figures, write them as JSON.

    python -m bench                      # scales 1, 10, 100 on SQLite and PostgreSQL
    python -m bench --scales "1 10"      # fewer scales
    python -m bench live                 # only the QM's live page with 300 phones following (PostgreSQL)
    python -m bench http                 # only the public pages over HTTP, and decisions/s (issue 20)
    WINGRANT_BENCH_PG_URL=postgresql+psycopg://me@host/wingrant_bench python -m bench

Writes bench/results/bench-<time>.json, bench/results/latest.json and bench/results/latest.md
(the Markdown tables that BENCHMARKS.md shows).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from datetime import datetime

from . import concurrency, databases, live, pages, pdf, plans, report, throughput
from . import http as http_bench

PORTS = (5106, 5107)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default=os.environ.get("SCALES") or "1 10 100",
                        help='space-separated scales, e.g. "1 10 100" (default; env SCALES)')
    parser.add_argument("--iterations", type=int, default=int(os.environ.get("BENCH_ITERATIONS", 200)),
                        help="measured requests per page (after 5 warm-up requests)")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--wrk-connections", type=int, default=8)
    parser.add_argument("--pdf-repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--skip", default="", help="comma-separated: pages,throughput,pdf,decisions,plans,live,http")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the databases even if cached")
    parser.add_argument("--update-doc", action="store_true",
                        help="also replace the figures section of BENCHMARKS.md with this run's")
    _live_arguments(parser)
    return parser.parse_args()


def _live_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the QM's live page with followers (python -m bench live)")
    group.add_argument("--followers", type=int, default=300, help="phones polling the public live page")
    group.add_argument("--live-requests", type=int, default=200, help="the QM's measured requests per phase")
    group.add_argument("--live-think", type=float, default=0.1, help="seconds between the QM's requests")
    group.add_argument("--live-changes", type=int, default=4,
                       help="decisions / next items the QM records per phase (each sends the phones a 200)")
    group.add_argument("--live-max-seconds", type=float, default=180,
                       help="a phase ends after this long even if the QM's requests are not all answered")
    group.add_argument("--live-servers", default="sync",
                       help='gunicorn settings to compare, e.g. "sync gthread:2x4" (workers x threads)')


def run_live(args, pg_base: str, note) -> dict:
    print("\n=== the QM's live page with followers, PostgreSQL ===", flush=True)
    servers = [live.parse_server(s) for s in args.live_servers.split()]
    return live.run(databases.pg_url(pg_base, "live"), servers=servers,
                    followers_=args.followers, requests_=args.live_requests, think=args.live_think,
                    changes=args.live_changes, max_seconds=args.live_max_seconds, log=lambda m: print(m, flush=True))


def _exit_on_term(_signum, _frame):
    """``timeout`` or ^C from a script: unwind, so that gunicorn and the followers are stopped too."""
    raise SystemExit(143)


def live_main(argv: list[str]) -> int:
    """``python -m bench live``: only the live-page benchmark; prints its figures, writes live-latest.json."""
    parser = argparse.ArgumentParser(prog="python -m bench live", description=live.__doc__.splitlines()[0])
    _live_arguments(parser)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_term)
    pg_base, why = databases.find_postgres()
    if pg_base is None:
        print(f"PostgreSQL unreachable ({why}). Set WINGRANT_BENCH_PG_URL=postgresql+psycopg://user@host:5432/"
              "wingrant_bench to point to one.", file=sys.stderr)
        return 1
    results = {"started": datetime.now().isoformat(timespec="seconds"), "machine": machine(),
               "live": run_live(args, pg_base, print)}
    databases.RESULTS.mkdir(parents=True, exist_ok=True)
    (databases.RESULTS / "live-latest.json").write_text(json.dumps(results, indent=2, default=str))
    print("\n".join(report.live_markdown(results["live"])))
    print(f"\nFigures written to {databases.RESULTS / 'live-latest.json'}.")
    return 0


def http_main(argv: list[str]) -> int:
    """``python -m bench http``: the public pages over HTTP (see bench/http.py) at the first of
    ``--scales`` (SQLite), the cold p95 at each scale, decisions/s on PostgreSQL; writes http-latest.json."""
    parser = argparse.ArgumentParser(prog="python -m bench http", description=http_bench.__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1 100", help='SQLite scales: served at the first, p95 at each')
    parser.add_argument("--seconds", type=int, default=5, help="wrk seconds per target and round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-decisions", action="store_true")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_term)
    scales = [float(s) for s in args.scales.split()]
    urls, slugs, objects = {}, {}, {}
    for scale in scales:
        label = databases.scale_label(scale)
        prepared = databases.prepare(databases.sqlite_url(scale), scale, log=lambda m: print(m, flush=True))
        urls[label], slugs[label] = databases.sqlite_url(scale), prepared["objects"]["slug"]
        objects = objects or prepared["objects"]
    pg_base = None
    if not args.no_decisions:
        pg_base, why = databases.find_postgres()
        if pg_base is None:
            print(f"PostgreSQL unreachable ({why}): decisions/s skipped.", flush=True)
    print(f"\n=== public pages over HTTP, SQLite {list(urls)[0]} ===", flush=True)
    result = http_bench.run(next(iter(urls.values())), objects, seconds=args.seconds, connections=args.connections,
                            rounds=args.rounds, p95_urls=urls if len(urls) > 1 else None, p95_slugs=slugs,
                            pg_base=pg_base, log=lambda m: print(m, flush=True))
    results = {"started": datetime.now().isoformat(timespec="seconds"), "machine": machine(), "http": result}
    databases.RESULTS.mkdir(parents=True, exist_ok=True)
    (databases.RESULTS / "http-latest.json").write_text(json.dumps(results, indent=2, default=str))
    print("\n" + "\n".join(http_bench.markdown(result)))
    print(f"\nFigures written to {databases.RESULTS / 'http-latest.json'}.")
    return 0


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    memory = ""
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) // 1024 // 1024} GiB"
                break
    except OSError:
        pass
    pg_version = ""
    try:
        pg_version = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    import sqlite3

    import weasyprint

    return {"cpu": cpu, "cores": os.cpu_count(), "memory": memory, "os": platform.platform(),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "postgresql_client": pg_version,
            "weasyprint": weasyprint.__version__, "load_average_at_start": os.getloadavg()}


def float_label(label: str) -> float:
    return float(label.rstrip("x"))


def main() -> int:
    args = _parse()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    scales = [float(s) for s in args.scales.split()]
    started = time.perf_counter()
    results: dict = {"started": datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                     "settings": {"iterations": args.iterations, "wrk_seconds": args.wrk_seconds,
                                  "wrk_connections": args.wrk_connections, "gunicorn_workers": throughput.WORKERS,
                                  "pdf_repeat": args.pdf_repeat},
                     "scales": {}, "notes": []}

    def note(message: str) -> None:
        print(f"NOTE: {message}", flush=True)
        results["notes"].append(message)

    pg_base = None
    if not args.no_postgres:
        pg_base, why = databases.find_postgres()
        if pg_base is None:
            note(f"PostgreSQL unreachable ({why}): the PostgreSQL figures are skipped. "
                 "Set WINGRANT_BENCH_PG_URL=postgresql+psycopg://user@host:5432/wingrant_bench to point to one.")
    wrk = throughput.wrk_path()
    if wrk is None and "throughput" not in skip:
        note(throughput.WRK_MISSING)

    hello = None
    served: dict[str, tuple[str, dict]] = {}  # scale label -> (primary URL, objects): for the HTTP figures
    sqlite_at: dict[str, tuple[str, str]] = {}  # scale label -> (SQLite URL, slug): for the cold p95
    for scale in scales:
        label = databases.scale_label(scale)
        print(f"\n=== scale {label} ===", flush=True)
        targets = [("sqlite", databases.sqlite_url(scale))]
        if pg_base:
            targets.append(("postgresql", databases.pg_url(pg_base, label.replace(".", "_"))))
        entry = results["scales"][label] = {"scale": scale}
        for backend, url in targets:
            print(f"- {backend}", flush=True)
            prepared = databases.prepare(url, scale, force=args.regenerate, log=lambda m: print(m, flush=True))
            figures = entry[backend] = {
                "generation_seconds": prepared["generation_seconds"], "generated_now": not prepared["cached"],
                "rows": prepared["rows"], "plan": prepared["plan"], "objects": prepared["objects"]}
            served[label] = (url, prepared["objects"])
            if backend == "sqlite":
                sqlite_at[label] = (url, prepared["objects"]["slug"])
            app = databases.bench_app(url)
            if "pages" not in skip:
                measured = pages.measure(app, prepared["objects"], iterations=args.iterations)
                figures["pages"] = pages.as_dicts(measured)
                for f in measured:
                    print(f"  {f.label:24} p50 {f.p50_ms:7.1f} ms  p95 {f.p95_ms:7.1f} ms  {f.queries:3} queries",
                          flush=True)
            if "pdf" not in skip:
                figures["pdf"] = pdf.measure(app, prepared["objects"]["big_meeting_id"], repeat=args.pdf_repeat)
                p = figures["pdf"]
                print(f"  minutes PDF ({p['applications']} applications): {p['wingrant_ms']} ms, WeasyPrint alone "
                      f"{p['weasyprint_ms']} ms, ratio {p['ratio']}", flush=True)
            if "plans" not in skip and scale == max(scales):
                figures["plans"] = plans.explain(app)
                print(f"  query plans of the balance aggregates: {len(figures['plans'])} statements explained",
                      flush=True)
            primary = backend == targets[-1][0]  # PostgreSQL when there is one: what production runs
            if "throughput" not in skip and wrk and primary:
                if hello is None:
                    hello = throughput.hello(PORTS[1], seconds=args.wrk_seconds, connections=args.wrk_connections)
                    results["hello"] = hello
                portal = throughput.portal(url, prepared["objects"]["slug"], PORTS[0], seconds=args.wrk_seconds,
                                           connections=args.wrk_connections)
                figures["throughput"] = {**portal, "hello_requests_per_second": hello["requests_per_second"],
                                         "ratio": round(portal["requests_per_second"]
                                                        / hello["requests_per_second"], 4)}
                print(f"  portal page under gunicorn: {portal['requests_per_second']:.0f} req/s, bare Flask hello "
                      f"{hello['requests_per_second']:.0f} req/s, ratio {figures['throughput']['ratio']}", flush=True)
            from wingrant.extensions import db

            with app.app_context():
                db.engine.dispose()

    if "decisions" not in skip:
        if pg_base:
            print("\n=== decisions per second, PostgreSQL, 16 clients ===", flush=True)
            results["decisions"] = concurrency.run(pg_base)
            d = results["decisions"]
            print(f"  {d['decisions']} decisions in {d['seconds']} s: {d['decisions_per_second']} decisions/s; "
                  f"zero overspend: {d['zero_overspend']}", flush=True)
        else:
            note("decisions/s needs PostgreSQL: skipped.")

    if "live" not in skip:
        if pg_base:
            results["live"] = run_live(args, pg_base, note)
        else:
            note("the live page with followers needs PostgreSQL: skipped.")

    if "http" not in skip and served:
        first = next(iter(served))
        print(f"\n=== public pages over HTTP ({first}) ===", flush=True)
        p95 = {label: sqlite_at[label] for label in (min(sqlite_at, key=float_label), max(sqlite_at, key=float_label))
               } if len(sqlite_at) > 1 else {}
        results["http"] = http_bench.run(
            served[first][0], served[first][1], seconds=min(args.wrk_seconds, 5), connections=args.wrk_connections,
            p95_urls={k: v[0] for k, v in p95.items()} or None, p95_slugs={k: v[1] for k, v in p95.items()},
            decisions=results.get("decisions"), pg_base=None, log=lambda m: print(m, flush=True))

    results["seconds"] = round(time.perf_counter() - started, 1)
    results["targets"] = report.check_targets(results)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    databases.RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, default=str)
    (databases.RESULTS / f"bench-{stamp}.json").write_text(text)
    (databases.RESULTS / "latest.json").write_text(text)
    markdown = report.markdown(results)
    if "http" in results:
        markdown += "\n" + "\n".join(http_bench.markdown(results["http"])) + "\n"
    (databases.RESULTS / "latest.md").write_text(markdown)
    print("\n" + markdown)
    if args.update_doc:
        report.update_doc(databases.ROOT / "BENCHMARKS.md", markdown)
        print("BENCHMARKS.md: figures section replaced.")
    print(f"Figures written to {databases.RESULTS / 'latest.json'} and latest.md ({results['seconds']} s in all).")
    return 0


if __name__ == "__main__":
    command = sys.argv[1:2]
    sys.exit(live_main(sys.argv[2:]) if command == ["live"] else http_main(sys.argv[2:]) if command == ["http"]
             else main())
