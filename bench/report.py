"""The figures against the targets of issue 9, and as Markdown for BENCHMARKS.md."""

from __future__ import annotations

#: Per page, whatever the scale (a constant, not a count that grows with the data). 25 since public
#: pages read the public-data version (issue 20) and the portal shows unmet demand, resolutions,
#: concerns and the Förderzeitraum (20 before).
MAX_QUERIES = 25
MAX_P95_MS_AT_10X = 50
MAX_GROWTH_100X = 1.5
MAX_PDF_RATIO = 1.2
BACKENDS = ("sqlite", "postgresql")


def _pages(results, label, backend) -> dict:
    return {p["key"]: p for p in results["scales"].get(label, {}).get(backend, {}).get("pages", [])}


def check_targets(results: dict) -> list[dict]:
    checks = []

    def add(target, ok, detail):
        checks.append({"target": target, "met": ok, "detail": detail})

    worst = [(label, backend, p) for label, entry in results["scales"].items() for backend in BACKENDS
             for p in entry.get(backend, {}).get("pages", [])]
    if worst:
        over = [f"{p['label']} {label} {backend}: {p['queries']}" for label, backend, p in worst
                if p["queries"] > MAX_QUERIES]
        most = max(p["queries"] for _l, _b, p in worst)
        add(f"every page ≤ {MAX_QUERIES} SQL queries at any scale", not over,
            "; ".join(over) if over else f"most: {most}")
    for backend in BACKENDS:
        ten = _pages(results, "10x", backend)
        if ten:
            slow = [f"{p['label']}: {p['p95_ms']} ms" for p in ten.values() if p["p95_ms"] > MAX_P95_MS_AT_10X]
            add(f"p95 ≤ {MAX_P95_MS_AT_10X} ms at 10× ({backend})", not slow,
                "; ".join(slow) if slow else f"slowest: {max(p['p95_ms'] for p in ten.values())} ms")
        one, hundred = _pages(results, "1x", backend), _pages(results, "100x", backend)
        if one and hundred:
            growth = {k: hundred[k]["p95_ms"] / one[k]["p95_ms"] for k in one if k in hundred}
            bad = [f"{one[k]['label']}: ×{g:.2f}" for k, g in growth.items() if g > MAX_GROWTH_100X]
            add(f"p95 at 100× ≤ {MAX_GROWTH_100X} × p95 at 1× ({backend})", not bad,
                "; ".join(bad) if bad else f"largest growth: ×{max(growth.values()):.2f}")
    ratios = [(label, backend, entry[backend]["pdf"]["ratio"]) for label, entry in results["scales"].items()
              for backend in BACKENDS if "pdf" in entry.get(backend, {})]
    if ratios:
        worst_ratio = max(r for _l, _b, r in ratios)
        add(f"minutes PDF ≤ {MAX_PDF_RATIO} × WeasyPrint alone", worst_ratio <= MAX_PDF_RATIO,
            ", ".join(f"{label} {backend}: {r}" for label, backend, r in ratios))
    plans = [p for entry in results["scales"].values() for backend in BACKENDS
             for p in entry.get(backend, {}).get("plans", [])]
    if plans:
        seq = [p["query"] for p in plans if p["seq_scan_on_ledger"]]
        add("balance aggregates read ledger_entry through an index", not seq,
            "; ".join(seq) if seq else f"{len(plans)} statements, all on indexes")
    if "decisions" in results:
        d = results["decisions"]
        add("zero overspend with 16 concurrent clients (PostgreSQL)", d["zero_overspend"] and not d["errors"],
            f"{d['decisions_per_second']} decisions/s, lowest balance {d['lowest_balance_cents']} cents, "
            f"{d['overspent_budgets']} overspent, {d['ledger_mismatches']} mismatches")
    for run in results.get("live", {}).get("runs", []):
        add(f"QM live page p95 with {run['followers']} followers ≤ {run['target_ratio']:g} × alone ({run['server']})",
            run["met"], f"{run['qm_alone']['p95_ms']} → {run['qm_followed']['p95_ms']} ms: ×{run['ratio_p95']}")
    return checks


def live_markdown(live: dict) -> list[str]:
    out = ["", "### The QM's live page while phones follow the meeting (gunicorn, PostgreSQL)", "",
           "| server | QM p50 / p95 alone | QM p50 / p95 with followers | ratio p95 | polls/s | 304 share | "
           "304 p50 / p95 | stage fetch p50 / p95 | server CPU per QM page / per follower request | load average |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in live.get("runs", []):
        a, b, s, c = r["qm_alone"], r["qm_followed"], r["followers_side"], r["cpu_per_request"]
        out.append(f"| {r['server']}, {r['followers']} followers | {a['p50_ms']} / {a['p95_ms']} ms | "
                   f"{b['p50_ms']} / {b['p95_ms']} ms ({b['n']} answered) | ×{r['ratio_p95']} | "
                   f"{s['polls_per_second']} | {100 * (s['share_304'] or 0):.1f} % | "
                   f"{s['poll_304']['p50_ms']} / {s['poll_304']['p95_ms']} ms | "
                   f"{s['stage']['p50_ms']} / {s['stage']['p95_ms']} ms ({s['stage']['n']}) | "
                   f"{c['qm_page_ms']} / {c['follower_request_ms']} ms | "
                   f"{r['load_average_1min']['alone']:.1f} / {r['load_average_1min']['followed']:.1f} |")
    return out


def markdown(results: dict) -> str:
    m = results["machine"]
    out = [f"Measured {results['started']} on {m['cpu']} ({m['cores']} cores, {m['memory']}), {m['os']}; "
           f"Python {m['python']}, SQLite {m['sqlite']}, {m['postgresql_client']}, WeasyPrint {m['weasyprint']}; "
           f"load average at start {', '.join(f'{x:.1f}' for x in m['load_average_at_start'])}.", ""]
    out += ["### Targets", "", "| target | met | detail |", "|---|---|---|"]
    out += [f"| {c['target']} | {'yes' if c['met'] else '**no**'} | {c['detail']} |" for c in results["targets"]]
    out += ["", "### Data and generation time", "", "| scale | backend | neighbourhoods × years | applications | "
            "meetings | ledger entries | audit events | generation |", "|---|---|---|---|---|---|---|---|"]
    for label, entry in results["scales"].items():
        for backend in BACKENDS:
            f = entry.get(backend)
            if f:
                rows, plan = f["rows"], f["plan"]
                out.append(f"| {label} | {backend} | {plan['neighbourhoods']} × {plan['years']} | "
                           f"{rows.get('application', 0):,} | {rows.get('meeting', 0):,} | "
                           f"{rows.get('ledger_entry', 0):,} | {rows.get('audit_event', 0):,} | "
                           f"{f['generation_seconds']:.0f} s |")
    out += ["", "### Server time and SQL queries per page (in process, p50 / p95 in ms, queries)", ""]
    keys = []
    for entry in results["scales"].values():
        for backend in BACKENDS:
            for p in entry.get(backend, {}).get("pages", []):
                if (p["key"], p["label"]) not in keys:
                    keys.append((p["key"], p["label"]))
    columns = [(label, backend) for label, entry in results["scales"].items() for backend in BACKENDS
               if entry.get(backend, {}).get("pages")]
    if columns:
        out.append("| page | " + " | ".join(f"{label} {backend}" for label, backend in columns) + " |")
        out.append("|---|" + "---|" * len(columns))
        for key, page_label in keys:
            cells = []
            for label, backend in columns:
                p = _pages(results, label, backend).get(key)
                cells.append(f"{p['p50_ms']:.1f} / {p['p95_ms']:.1f} · {p['queries']} q" if p else "–")
            out.append(f"| {page_label} | " + " | ".join(cells) + " |")
    out += ["", "### Throughput of the public neighbourhood page (gunicorn, wrk)", ""]
    rows = [(label, backend, entry[backend]["throughput"]) for label, entry in results["scales"].items()
            for backend in BACKENDS if "throughput" in entry.get(backend, {})]
    if rows:
        s = results["settings"]
        out += [f"gunicorn {s['gunicorn_workers']} sync workers, wrk {s['wrk_connections']} connections for "
                f"{s['wrk_seconds']} s; the same settings serve a bare Flask `hello`.", "",
                "| scale | backend | portal req/s | hello req/s | ratio portal/hello |", "|---|---|---|---|---|"]
        out += [f"| {label} | {backend} | {t['requests_per_second']:.0f} | {t['hello_requests_per_second']:.0f} | "
                f"{t['ratio']:.3f} |" for label, backend, t in rows]
    else:
        out.append("Not measured (see the notes).")
    out += ["", "### Minutes PDF (25 applications) against WeasyPrint alone on the same HTML", "",
            "Fastest of the interleaved runs (median in brackets).", "",
            "| scale | backend | wingrant (queries + HTML + PDF) | WeasyPrint alone | ratio |", "|---|---|---|---|---|"]
    for label, entry in results["scales"].items():
        for backend in BACKENDS:
            p = entry.get(backend, {}).get("pdf")
            if p:
                median = p.get("wingrant_median_ms", 0)
                out.append(f"| {label} | {backend} | {p['wingrant_ms']:.0f} ms ({median:.0f}) | "
                           f"{p['weasyprint_ms']:.0f} ms ({p.get('weasyprint_median_ms', 0):.0f}) | {p['ratio']:.2f} |")
    out += ["", "### Decisions per second (PostgreSQL, 16 concurrent clients)", ""]
    d = results.get("decisions")
    if d:
        out += [f"{d['decisions']} decisions ({d['approved']} approvals, {d['refused_for_lack_of_money']} refused by "
                f"the ledger for lack of money and rejected instead) in {d['seconds']} s: "
                f"**{d['decisions_per_second']} decisions/s**. Allocated {d['allocated_cents'] / 100:,.2f} €, "
                f"committed {d['committed_cents'] / 100:,.2f} €, "
                f"lowest balance {d['lowest_balance_cents'] / 100:,.2f} €;"
                f" overspent budgets: {d['overspent_budgets']}, ledger/decision mismatches: {d['ledger_mismatches']}."
                + (f" Errors: {d['errors']}" if d["errors"] else "")]
    else:
        out.append("Not measured (needs PostgreSQL).")
    plans = [(label, backend, p) for label, entry in results["scales"].items() for backend in BACKENDS
             for p in entry.get(backend, {}).get("plans", [])]
    if plans:
        out += ["", "### Query plans of the balance aggregates (largest scale measured)", ""]
        for label, backend, p in plans:
            out += [f"**{p['query']}** — {backend}, {label}", "", "```", p["plan"], "```", ""]
    if results.get("live"):
        out += live_markdown(results["live"])
    if results["notes"]:
        out += ["", "### Notes", ""] + [f"- {n}" for n in results["notes"]]
    return "\n".join(out) + "\n"


START, END = "<!-- figures:start -->", "<!-- figures:end -->"


def update_doc(path, markdown_text: str) -> None:
    """Replace what stands between the figure markers in BENCHMARKS.md."""
    text = path.read_text(encoding="utf-8")
    head, _sep, rest = text.partition(START)
    _old, _sep2, tail = rest.partition(END)
    if not _sep or not _sep2:
        raise SystemExit(f"{path} has no {START} … {END} section")
    path.write_text(f"{head}{START}\n{markdown_text}{END}{tail}", encoding="utf-8")
