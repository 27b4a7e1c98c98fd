"""Regenerate data/derived/: `python -m nkarms.data.pipeline [--raw DIR] [--out DIR]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from nkarms import project
from nkarms.data.pipeline import RAW_DIR_ENV, default_raw_dir, run_all


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nkarms.data.pipeline", description=__doc__)
    parser.add_argument(
        "--raw",
        type=Path,
        default=default_raw_dir(),
        help=f"raw snapshot folder (default: ${RAW_DIR_ENV} or data/raw)",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: data/derived)"
    )
    args = parser.parse_args(argv)
    if not args.raw.is_dir():
        parser.error(f"raw data folder not found: {args.raw}")
    for path in run_all(args.raw, args.out or project.data_dir() / "derived"):
        print(path)


if __name__ == "__main__":
    main()
