"""Build, test and page-weight figures for the report; prints them and writes benchmarks/results.json.

    python benchmarks/bench.py                 # 3 runs of each build, one `make test`, page figures
    python benchmarks/bench.py --runs 5 --no-tests

Everything happens in a temporary copy of the project (all of it but ``.git``,
``.venv`` and build output), never in the working tree. Before the timed runs
the copy is built once, untimed, so that chapters whose stored outputs are stale are
executed first and every timed build starts from the same state. Then, per run:

- cold build: ``python -m nkarms.build html`` from an empty ``_build``;
- no-change rebuild: the same command again;
- data change: one number in ``data/derived/ua_kn23_attacks.csv`` changed (a new
  value every run), then a rebuild: the chapters that read the table re-execute;
- prose change: one sentence of a chapter's markdown changed, then a rebuild.

Each figure is the median of the runs; every run's time and the chapters it
executed are kept in the JSON. One ``make test`` in the project itself is timed too
(once: it takes minutes; ``--no-tests`` skips it).

Then, in Chromium (Debian's, ``/usr/bin/chromium``), every page of the last build is
loaded from a local server with a cold cache: the bytes of every response body
(the shared chart runtime ``_static/nk-charts.js`` reported on its own, once), the
same bytes gzip-compressed (what a compressing web server sends), and
the time from navigation start until every chart has drawn
(``document.documentElement.dataset.chartsRendered === "true"``), median of the runs.
The page budget: no chapter page over 1 MB, not counting the shared runtime.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import nbformat

from nkarms import toc
from nkarms.site.localserver import serve
from nkarms.site.pages import pages as built_pages

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results.json")
# Everything but version control, environments and build output (chapters read more
# than chapters/ and data/, e.g. CITATION.cff; src/ keeps the execution manifest's keys valid).
NOT_COPIED = (
    ".git", ".venv", "_build", ".pytest_cache", "__pycache__", ".ipynb_checkpoints", "*.egg-info",
    "screenshots", "results.json",
)
DATA_TABLE = Path("data/derived/ua_kn23_attacks.csv")
DATA_COLUMN = "launched"
RUNTIME = "_static/nk-charts.js"
META_REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"', re.I)
PAGE_BUDGET = 1_000_000  # bytes, per chapter page, without the shared runtime
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
CHART_TIMEOUT_MS = 60_000
# Records when every chart has drawn, in ms since navigation start. It observes the
# document, since <html> does not exist yet when an init script runs.
CHARTS_TIMER = """
new MutationObserver((records, observer) => {
  if (document.documentElement.dataset.chartsRendered === "true") {
    window.__nkChartsDrawnAt = performance.now();
    observer.disconnect();
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-charts-rendered"] });
"""


# --- the project copy and its builds ------------------------------------------------


def copy_project(destination: Path) -> None:
    shutil.copytree(PROJECT, destination, ignore=shutil.ignore_patterns(*NOT_COPIED), dirs_exist_ok=True)


def build(root: Path) -> dict[str, Any]:
    """One ``python -m nkarms.build html`` on ``root``: seconds, exit code, chapters executed."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "nkarms.build", "html", "--root", str(root)],
        env={**os.environ, "NKARMS_PROJECT_ROOT": str(root)},
        capture_output=True, text=True,
    )
    seconds = time.perf_counter() - start
    executed_file = root / "_build" / "executed.json"
    executed = json.loads(executed_file.read_text()) if executed_file.exists() else []
    record = {"seconds": round(seconds, 2), "returncode": result.returncode, "executed": executed}
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines()
        record["problems"] = [line for line in lines if "WARNING" in line or "Error" in line][-10:]
    return record


def change_number(root: Path, run: int) -> str:
    """Set the first row's ``launched`` count of the data table to a new value (one per run)."""
    path = root / DATA_TABLE
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        rows = list(reader)
    row = next(row for row in rows if row.get(DATA_COLUMN, "").strip().isdigit())
    old = int(row[DATA_COLUMN])
    destroyed = row.get("destroyed", "").strip()
    new = max(old, int(destroyed) if destroyed.isdigit() else 0) + 1 + run
    row[DATA_COLUMN] = str(new)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return f"{DATA_TABLE} row {row.get('date', '?')}: {DATA_COLUMN} {old} -> {new}"


def change_prose(root: Path, chapter: str | None, run: int) -> str:
    """Reword the last sentence of a chapter's last markdown cell (differently every run)."""
    notebooks = toc.notebooks(root)
    notebook = root / chapter if chapter else notebooks[-1]
    nb = nbformat.read(notebook, as_version=4)
    cell = next(cell for cell in reversed(nb.cells) if cell.cell_type == "markdown" and cell.source.strip())
    base = cell.source.split("\n\n<!-- bench -->")[0]
    cell.source = f"{base}\n\n<!-- bench -->\nThis sentence was added by the benchmark, run {run + 1}."
    nbformat.write(nb, notebook)
    return f"{notebook.relative_to(root)}: one markdown sentence"


def bench_builds(root: Path, runs: int, chapter: str | None) -> dict[str, Any]:
    print(f"preparing {root}: one untimed build so that stale chapters are executed first", flush=True)
    warmup = build(root)
    print(f"  {warmup['seconds']:.1f}s, executed {len(warmup['executed'])} chapter(s), exit {warmup['returncode']}")
    kinds = {
        "cold": "cold build from an empty _build",
        "no_change": "rebuild, nothing changed",
        "data_change": "rebuild after one number changed in a data table",
        "prose_change": "rebuild after one chapter's prose changed",
    }
    records: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for run in range(runs):
        shutil.rmtree(root / "_build", ignore_errors=True)
        records["cold"].append(build(root))
        records["no_change"].append(build(root))
        what = change_number(root, run)
        records["data_change"].append({**build(root), "changed": what})
        what = change_prose(root, chapter, run)
        records["prose_change"].append({**build(root), "changed": what})
        print(f"  run {run + 1}/{runs}: " + ", ".join(f"{k} {records[k][-1]['seconds']:.1f}s" for k in kinds), flush=True)
    return {
        "warmup": warmup,
        **{
            kind: {
                "what": kinds[kind],
                "median_seconds": round(statistics.median(r["seconds"] for r in records[kind]), 2),
                "all_succeeded": all(r["returncode"] == 0 for r in records[kind]),
                "runs": records[kind],
            }
            for kind in kinds
        },
    }


def bench_make_test() -> dict[str, Any]:
    print("timing `make test` in the project", flush=True)
    start = time.perf_counter()
    result = subprocess.run(["make", "test"], cwd=PROJECT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = result.stdout.splitlines()
    summary = [line for line in lines if " in " in line and ("passed" in line or "failed" in line)]
    record = {"seconds": round(seconds, 2), "returncode": result.returncode, "summary": summary[-1:]}
    if result.returncode != 0:
        record["last_lines"] = (lines + result.stderr.splitlines())[-15:]
    return record


# --- the built site -----------------------------------------------------------------


def site_pages(html_dir: Path) -> list[str]:
    return [path.relative_to(html_dir).as_posix() for path in built_pages(html_dir)]


def site_size(html_dir: Path) -> dict[str, Any]:
    files = [p for p in html_dir.rglob("*") if p.is_file()]
    pages = {page: (html_dir / page).stat().st_size for page in site_pages(html_dir)}
    largest = max(pages, key=pages.get)
    return {
        "total_bytes": sum(p.stat().st_size for p in files),
        "files": len(files),
        "largest_page": {"path": largest, "bytes": pages[largest]},
        "page_html_bytes": pages,
    }


def redirect_target(page: Path) -> str | None:
    match = META_REFRESH.search(page.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def bench_pages(html_dir: Path, runs: int) -> dict[str, Any]:
    """Per page, cold cache: response bytes (runtime apart) and ms until every chart has drawn."""
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} is missing: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    server = serve(html_dir)
    base = server.base_url
    pages = site_pages(html_dir)
    print(f"loading {len(pages)} pages in Chromium, {runs} time(s) each, cold cache", flush=True)
    results: dict[str, Any] = {}
    runtime_bytes = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for path in pages:
                target = redirect_target(html_dir / path)
                if target is not None:  # the root index.html: its target is measured as a page of its own
                    results[path] = {"redirect_to": target, "html_bytes": (html_dir / path).stat().st_size}
                    continue
                loads = [load_page(browser, base, path) for _ in range(runs)]
                runtime_bytes = max([runtime_bytes, *(load.pop("runtime_bytes") for load in loads)])
                drawn = [load["charts_drawn_ms"] for load in loads if load["charts_drawn_ms"] is not None]
                results[path] = {
                    **{k: v for k, v in loads[0].items() if k not in ("charts_drawn_ms", "load_ms")},
                    "charts_drawn_ms": round(statistics.median(drawn)) if drawn else None,
                    "load_ms": round(statistics.median(load["load_ms"] for load in loads)),
                }
            browser.close()
    finally:
        server.close()
    return {"runtime": {"path": RUNTIME, "bytes": runtime_bytes or None}, "pages": results}


def load_page(browser, base: str, path: str) -> dict[str, Any]:  # noqa: ANN001
    """One cold load of one page: bytes per response, chart and load times."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(CHARTS_TIMER)
    page = context.new_page()
    finished = []
    external = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on("request", lambda request: external.append(request.url)
            if urlsplit(request.url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(request.url).hostname != "127.0.0.1" else None)
    page.goto(f"{base}/{path}", wait_until="load")
    charts = page.locator("div.nk-chart").count()
    if charts:
        page.wait_for_function("() => window.__nkChartsDrawnAt !== undefined", timeout=CHART_TIMEOUT_MS)
    page.wait_for_load_state("networkidle")
    timing = page.evaluate(
        "({ drawn: window.__nkChartsDrawnAt ?? null,"
        "   load: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? null })"
    )
    by_file: dict[str, int] = {}
    gzipped = 0
    for request in finished:
        name = urlsplit(request.url).path.lstrip("/") or "/"
        by_file[name] = by_file.get(name, 0) + request.sizes()["responseBodySize"]
        response = request.response()
        if name != RUNTIME and response is not None:
            gzipped += len(gzip.compress(response.body(), compresslevel=6))
    context.close()
    runtime = by_file.pop(RUNTIME, 0)
    shared = sum(n for name, n in by_file.items() if name.startswith("_static/") or name == "searchindex.js")
    total = sum(by_file.values())
    return {
        "transfer_bytes": total,
        "gzip_bytes": gzipped,
        "own_bytes": total - shared,
        "shared_theme_bytes": shared,
        "requests": len(finished),
        "loads_runtime": runtime > 0,
        "runtime_bytes": runtime,
        "largest_responses": dict(sorted(by_file.items(), key=lambda item: -item[1])[:3]),
        "charts": charts,
        "charts_drawn_ms": round(timing["drawn"]) if timing["drawn"] is not None else None,
        "load_ms": round(timing["load"] or 0),
        "external_requests": external,
    }


# --- report -------------------------------------------------------------------------


def budget(pages: dict[str, Any]) -> dict[str, Any]:
    """No chapter page over PAGE_BUDGET bytes, not counting the shared chart runtime.

    ``over`` applies the rule as stated (everything a cold load fetches but the
    runtime); ``own_over`` counts only what is the page's own (its HTML, images and
    data: not ``_static/`` or the search index, which every page shares and a
    reader's browser caches after the first).
    """
    chapters = {p: i for p, i in pages.items() if p.startswith("chapters/") and "redirect_to" not in i}
    return {
        "limit_bytes": PAGE_BUDGET,
        "excludes": RUNTIME,
        "checked": len(chapters),
        "over": {p: i["transfer_bytes"] for p, i in chapters.items() if i["transfer_bytes"] > PAGE_BUDGET},
        "own_over": {p: i["own_bytes"] for p, i in chapters.items() if i["own_bytes"] > PAGE_BUDGET},
        "ok": all(i["transfer_bytes"] <= PAGE_BUDGET for i in chapters.values()),
    }


def kb(n: int | None) -> str:
    """Decimal units, as the budget is stated: 1 MB = 1,000,000 bytes."""
    if n is None:
        return "-"
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:,.0f} kB"


def report(results: dict[str, Any]) -> None:
    print(f"\n== nkarms benchmarks: {results['cpu_count']} CPU(s), {results['runs']} run(s), median ==")
    for kind, info in results["builds"].items():
        if kind == "warmup":
            continue
        executed = sorted({c for r in info["runs"] for c in r["executed"]})
        flag = "" if info["all_succeeded"] else "  (build exited non-zero: see results.json)"
        print(f"{info['what']:<52} {info['median_seconds']:7.1f} s   executed: {', '.join(executed) or 'none'}{flag}")
    if results.get("make_test"):
        t = results["make_test"]
        print(f"{'make test':<52} {t['seconds']:7.1f} s   exit {t['returncode']} {' '.join(t['summary'])}")
    size = results["site"]
    print(f"\nsite: {kb(size['total_bytes'])} in {size['files']} files; largest page "
          f"{size['largest_page']['path']} ({kb(size['largest_page']['bytes'])} of HTML)")
    print(f"shared chart runtime {results['browser']['runtime']['path']}: {kb(results['browser']['runtime']['bytes'])} "
          "(counted once, not in the page figures)")
    print(f"\n{'page (cold load, runtime apart)':<40} {'transfer':>9} {'gzip':>8} {'own':>8} {'requests':>8} {'charts':>6} "
          f"{'drawn':>8} {'load':>8}  largest response")
    for path, info in results["browser"]["pages"].items():
        if "redirect_to" in info:
            print(f"{path:<40} redirects to {info['redirect_to']} ({kb(info['html_bytes'])})")
            continue
        drawn = f"{info['charts_drawn_ms']} ms" if info["charts_drawn_ms"] is not None else "-"
        name, size = next(iter(info["largest_responses"].items()), ("-", None))
        print(f"{path:<40} {kb(info['transfer_bytes']):>9} {kb(info.get('gzip_bytes')):>8} {kb(info['own_bytes']):>8} {info['requests']:>8} "
              f"{info['charts']:>6} {drawn:>8} {info['load_ms']:>5} ms  {name} ({kb(size)})")
        if info["external_requests"]:
            print(f"   ! requests to other hosts: {info['external_requests']}")
    b = results["budget"]
    verdict = "OK" if b["ok"] else "OVER: " + ", ".join(f"{p} {kb(n)}" for p, n in b["over"].items())
    print(f"\nbudget: no chapter page over {kb(b['limit_bytes'])} without {b['excludes']}: "
          f"{b['checked']} checked, {verdict}")
    own = "OK" if not b["own_over"] else "OVER: " + ", ".join(f"{p} {kb(n)}" for p, n in b["own_over"].items())
    print(f"        the page's own bytes only (no _static/, no search index): {own}")
    print(f"written: {RESULTS}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported (3)")
    parser.add_argument("--no-tests", action="store_true", help="skip timing one `make test` (about 7 minutes)")
    parser.add_argument("--chapter", help="notebook whose prose is changed, relative to the project "
                        "(default: the last chapter in _toc.yml)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project copy")
    parser.add_argument("--fail-over-budget", action="store_true", help="exit 1 when a page is over budget")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    tmp = Path(tempfile.mkdtemp(prefix="nkarms-bench-"))
    try:
        root = tmp / "project"
        root.mkdir()
        copy_project(root)
        results: dict[str, Any] = {
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "runs": args.runs,
            "builds": bench_builds(root, args.runs, args.chapter),
        }
        results["make_test"] = None if args.no_tests else bench_make_test()
        html_dir = root / "_build" / "html"
        results["site"] = site_size(html_dir)
        results["browser"] = bench_pages(html_dir, args.runs)
        results["budget"] = budget(results["browser"]["pages"])
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        report(results)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if args.fail_over_budget and not results["budget"]["ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
