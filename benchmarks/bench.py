"""Build, test and page-weight figures for the report; prints them and writes benchmarks/results.json.

    python benchmarks/bench.py                 # 3 runs of each build, one `make test`, page figures
    python benchmarks/bench.py --runs 5 --no-tests

Everything happens in a temporary copy of the project (all of it but ``.git``,
``.venv`` and build output), never in the working tree. Before the timed runs
the copy is built once, untimed, so that chapters whose stored outputs are stale are
executed first and every timed build starts from the same state. Then, per run:

- cold build: ``python -m nkarms.build html`` from an empty ``_build``;
- no-change rebuild: the same command again;
- data change: one ``launched`` count in the raw Air Force reports changed (raised,
  then lowered: a new snapshot every run, SHA256SUMS updated), then a rebuild: the
  pipeline regenerates ``data/derived/ua_kn23_*.csv`` and the chapters that read
  them re-execute;
- prose change: one sentence of a chapter's markdown changed, then a rebuild.

Then issue 14's figures (:mod:`nkbench.rebuilds`): no-change ``make book`` and
``html``, a one-table change against stock Jupyter Book's forced full rebuild of
the same chapters (with the ratio), and a prose edit under ``make serve``.

Each figure is the median of the runs; every run's time and the chapters it
executed are kept in the JSON. One ``make test`` in the project itself is timed too
(once: it takes minutes; ``--no-tests`` skips it).

Then, in Chromium (Debian's, as :mod:`nkarms.site.browser` launches it), every page of the last build is
loaded from a local server with a cold cache: the bytes of every response body
(the shared chart runtime ``_static/nk-charts.js`` reported on its own, once), the
same bytes gzip-compressed (what a compressing web server sends), and
the time from navigation start until every chart has drawn
(``document.documentElement.dataset.chartsRendered === "true"``), median of the runs.
The page budget: no chapter page over 1 MB, not counting the shared runtime.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from nkbench.builds import bench_builds, bench_make_test, copy_project
from nkbench.pages import bench_pages, budget, site_size
from nkbench.rebuilds import bench_rebuilds, print_rebuilds
from nkbench.report import report

RESULTS = Path(__file__).with_name("results.json")


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
        results["rebuilds"] = bench_rebuilds(tmp, args.runs)
        results["make_test"] = None if args.no_tests else bench_make_test()
        html_dir = root / "_build" / "html"
        results["site"] = site_size(html_dir)
        results["browser"] = bench_pages(html_dir, args.runs)
        results["budget"] = budget(results["browser"]["pages"])
        RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print_rebuilds(results["rebuilds"])
        report(results, RESULTS)
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if args.fail_over_budget and not results["budget"]["ok"] else 0


if __name__ == "__main__":
    sys.exit(main())
