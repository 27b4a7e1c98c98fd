"""Build the report: ``python -m nkarms.build {site,html,pdf,execute}`` (see :mod:`nkarms.build`)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from nkarms import project
from nkarms.build import cache, rawdata, rendering
from nkarms.build.execute import InputsChangedError


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("target", choices=["site", "html", "pdf", "execute"])
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: this checkout)")
    parser.add_argument("--force", action="store_true", help="re-execute every chapter")
    parser.add_argument("--jobs", type=int, default=None, help="chapters run at once (default: one per core)")
    args = parser.parse_args(argv)
    root = (args.root or project.root()).resolve()
    os.environ[project.ROOT_ENV] = str(root)  # data/raw, the kernels and Jupyter Book all resolve from it
    try:
        rawdata.ensure_derived(root)
        executed = cache.refresh(root, force=args.force, jobs=args.jobs)
    except (rawdata.StaleDataError, InputsChangedError, cache.ChapterError) as error:
        sys.exit(f"nkarms.build: {error}")
    (root / "_build").mkdir(exist_ok=True)
    (root / "_build" / "executed.json").write_text(json.dumps(executed) + "\n", encoding="utf-8")
    if args.target in ("site", "html"):
        if args.target == "site":
            os.environ[rendering.PDF_LINK_ENV] = "1"
        rendering.jupyter_book(root, "html")
    if args.target in ("site", "pdf"):
        from nkarms.site.pdf import build_pdf

        rendering.jupyter_book(root, "singlehtml")
        print(f"PDF written: {build_pdf(root)}")
    if args.target in ("site", "html"):
        print(f"Open the report: file://{root / '_build' / 'html' / 'index.html'}")


if __name__ == "__main__":
    main()
