"""Build the report: ``python -m nkarms.build {site,html,pdf,execute}`` (see :mod:`nkarms.build`).

Each stage (data, execute, html, pdf) is skipped when its inputs and outputs are
byte for byte those of its last run (:mod:`nkarms.build.stamps`); within the pdf
stage, the print is skipped when the single-page build came out byte for byte as
it was last printed, by the same Chromium. What ran is
written to ``_build/executed.json`` (the chapters executed) and
``_build/stages.json`` (each stage: ``ran`` or ``skipped``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

from nkarms import project
from nkarms.build import cache, rawdata, rendering, stamps
from nkarms.build.startup import skip_iri_grammar
from nkarms.build.execute import InputsChangedError

PDF = stamps.PDF
PDF_IN_SITE = Path("_build") / "html" / "_downloads" / "report.pdf"  # where the site links to it


def run_execute(root: Path, force: bool, jobs: int | None, stages: dict[str, str], done: dict[str, str]) -> list[str]:
    """Regenerate stale derived data (unless its stamp is current), run stale chapters; return those run."""
    try:
        inputs = stamps.data_inputs(root)
        if stamps.is_current(root, "data", inputs):
            stages["data"] = "skipped"
        else:
            rawdata.ensure_derived(root)
            stages["data"], inputs = "ran", stamps.data_inputs(root)
        done["data"] = inputs
        executed = cache.refresh(root, force=force, jobs=jobs)
    except (rawdata.StaleDataError, InputsChangedError, cache.ChapterError) as error:
        sys.exit(f"nkarms.build: {error}")
    stages["execute"], inputs = "ran", stamps.execute_inputs(root)
    # Stamped only if, after fingerprinting, nothing is stale: a file saved during the run is not vouched for.
    if not cache.stale(root):
        done["execute"] = inputs
    return executed


def run_pdf(root: Path, stages: dict[str, str], done: dict[str, str]) -> None:
    """Build the single page; print it only if it (or the printer) differs from what was printed last."""
    rendering.jupyter_book(root, "singlehtml")
    inputs = stamps.print_inputs(root)
    if stamps.is_current(root, "print", inputs):
        stages["print"] = "skipped"
    else:
        from nkarms.site.pdf import build_pdf

        print(f"PDF written: {build_pdf(root)}")
        stages["print"] = "ran"
    done["print"] = inputs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["site", "html", "pdf", "execute"])
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: this checkout)")
    parser.add_argument("--force", action="store_true", help="re-execute every chapter")
    parser.add_argument("--jobs", type=int, default=None, help="chapters run at once (default: one per core)")
    args = parser.parse_args(argv)
    skip_iri_grammar()
    root = (args.root or project.root()).resolve()
    os.environ[project.ROOT_ENV] = str(root)  # data/raw, the kernels and Jupyter Book all resolve from it
    if args.target == "site":
        os.environ[rendering.PDF_LINK_ENV] = "1"
    stages, done, executed = {}, {}, []

    inputs = stamps.execute_inputs(root)  # data/ included, so an unchanged execute stage means unchanged data
    if not args.force and stamps.is_current(root, "execute", inputs):
        stages.update(data="skipped", execute="skipped")
        done["execute"] = inputs
    else:
        executed = run_execute(root, args.force, args.jobs, stages, done)
    for stage, wanted, run in (("html", ("site", "html"), lambda: rendering.jupyter_book(root, "html")),
                               ("pdf", ("site", "pdf"), lambda: run_pdf(root, stages, done))):
        if args.target not in wanted:
            continue
        inputs = stamps.INPUTS[stage](root)
        if stamps.is_current(root, stage, inputs):
            stages[stage] = "skipped"
        else:
            run()
            stages[stage] = "ran"
        done[stage] = inputs
    if "skipped" in (stages.get("pdf"), stages.get("print")) and (root / PDF_IN_SITE).parent.parent.is_dir():
        (root / PDF_IN_SITE).parent.mkdir(exist_ok=True)
        shutil.copyfile(root / PDF, root / PDF_IN_SITE)
    stamps.save(root, done)
    (root / "_build" / "executed.json").write_text(json.dumps(executed) + "\n", encoding="utf-8")
    (root / "_build" / "stages.json").write_text(json.dumps(stages) + "\n", encoding="utf-8")
    skipped = [stage for stage, state in stages.items() if state == "skipped"]
    print(f"stages skipped (inputs unchanged): {', '.join(skipped) or 'none'}")
    if args.target in ("site", "html"):
        print(f"Open the report: file://{root / '_build' / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()
