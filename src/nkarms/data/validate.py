"""Validate every table of the data package: ``python -m nkarms.data.validate``.

Prints one line per table, or the first problem (file, line, column, rule) and
exits with status 1.
"""
from __future__ import annotations

import sys

from nkarms.data import DataError, validate_package


def main() -> int:
    try:
        tables = validate_package()
    except DataError as error:
        print(f"invalid: {error}", file=sys.stderr)
        return 1
    for name, frame in tables.items():
        print(f"{name}: {len(frame)} rows, valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
