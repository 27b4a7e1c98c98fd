"""Raw-data pipeline: third-party snapshots in data/raw/<set>/ -> data/derived/*.csv.

One module per raw data set (`ua_airforce`, `cns_tests`, `sipri`, `natural_earth`), each with
`run(raw_dir, out_dir) -> list[Path]` built as Load inputs / Process / Save outputs.
`run_all` first checks every input against its set's ``SHA256SUMS`` (a snapshot
changes only together with its manifest and PROVENANCE.md), runs the steps, and
records the sha256 of every raw file read in ``raw_checksums.json``, so a derived
table can always be traced to the exact bytes it came from, and
:func:`stale_inputs` can tell when the derived tables lag behind the raw data.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from nkarms import project
from nkarms.files import sha256

RAW_DIR_ENV = "NKARMS_RAW_DIR"
CHECKSUMS_FILE = "raw_checksums.json"
MANIFEST_FILE = "SHA256SUMS"


def default_raw_dir() -> Path:
    """The committed snapshots, data/raw/; NKARMS_RAW_DIR overrides (tests point it at a copy)."""
    if os.environ.get(RAW_DIR_ENV):
        return Path(os.environ[RAW_DIR_ENV]).resolve()
    return project.data_dir() / "raw"


def steps() -> tuple:
    """The pipeline's step modules, in the order they run."""
    # Imported here because the step modules import the helpers below from this package.
    from nkarms.data.pipeline import cns_tests, natural_earth, sipri, ua_airforce

    return (ua_airforce, cns_tests, sipri, natural_earth)


def manifest_digest(raw_dir: Path, relative: str) -> str:
    """The sha256 that ``<set>/SHA256SUMS`` records for the raw file ``relative`` (``<set>/<file>``)."""
    set_name, _, file_name = relative.partition("/")
    manifest = raw_dir / set_name / MANIFEST_FILE
    if not manifest.is_file():
        raise RawDataError(f"{manifest}: missing; every raw snapshot lists its files' sha256 there")
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if name == file_name:
            return digest
    raise RawDataError(f"{manifest}: no line for {file_name}; add it with `sha256sum {file_name} >> {MANIFEST_FILE}`")


def verify_snapshot(raw_dir: Path, relative: str) -> None:
    """Refuse a raw file whose bytes differ from its manifest: a snapshot is replaced, never edited."""
    expected, actual = manifest_digest(raw_dir, relative), sha256(raw_dir / relative)
    if expected != actual:
        raise RawDataError(
            f"{raw_dir / relative}: sha256 {actual} differs from {MANIFEST_FILE} ({expected}); "
            "a new snapshot needs its PROVENANCE.md and SHA256SUMS updated with it"
        )


def stale_inputs(raw_dir: Path, out_dir: Path) -> list[str]:
    """Raw files whose bytes differ from those the derived tables in ``out_dir`` were made from.

    Empty when data/derived/ is current. A file that is new, changed or gone
    counts, so the build can regenerate (or refuse) instead of showing old figures.
    """
    recorded_path = out_dir / CHECKSUMS_FILE
    recorded = json.loads(recorded_path.read_text(encoding="utf-8")) if recorded_path.is_file() else {}
    inputs = [relative for step in steps() for relative in step.INPUTS]
    stale = [relative for relative in inputs
             if not (raw_dir / relative).is_file() or recorded.get(relative, {}).get("sha256") != sha256(raw_dir / relative)]
    return stale + sorted(set(recorded) - set(inputs))


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a derived table the same way everywhere, so reruns give identical bytes.

    UTF-8, '\\n' line endings, no index; floats use Python's shortest round-trip repr.
    """
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


class RawDataError(ValueError):
    """A raw file holds what the pipeline cannot take: the message names the file, where, and what."""


def first_flagged(frame: pd.DataFrame, bad: pd.Series, column: str, keys: tuple[str, ...] = ()) -> str:
    """Where the first row flagged in ``bad`` is, and what its ``column`` holds, for an error message.

    The row is named by its ``keys`` (a date, a designation), or else by its
    position in the raw file: ``frame`` must then still carry the raw file's index.
    """
    index = bad[bad.fillna(False).astype(bool)].index[0]

    def shown(name: str) -> str:
        value = frame.at[index, name]
        return repr(value.item() if hasattr(value, "item") else value)  # 500, not np.int64(500)

    where = ", ".join(f"{key} {shown(key)}" for key in keys) or f"data row {index + 1}"
    return f"{where}, column {column!r}: {shown(column)}"


def refuse_flagged(frame: pd.DataFrame, bad: pd.Series, column: str, problem: str,
                   keys: tuple[str, ...] = (), of: str = "at") -> None:
    """Raise ValueError naming ``problem`` and the first row flagged in ``bad``, if any row is."""
    if bad.fillna(False).any():
        raise ValueError(f"{problem} {of} {first_flagged(frame, bad, column, keys)}")


def run_all(raw_dir: Path, out_dir: Path) -> list[Path]:
    """Run every pipeline step, then write out_dir/raw_checksums.json; return files written.

    All or nothing: the steps write into a staging folder beside ``out_dir``, and
    only when every step and its checks have passed does each file replace its
    old version (one atomic rename per file). A failing step leaves
    ``out_dir`` exactly as it was.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    checksums: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(dir=out_dir.parent, prefix=f".{out_dir.name}-staging-") as staging:
        staged: list[Path] = []
        for step in steps():
            for relative in step.INPUTS:
                verify_snapshot(raw_dir, relative)
            try:
                staged += step.run(raw_dir, Path(staging))
            except (ValueError, KeyError) as error:
                inputs = ", ".join(str(raw_dir / relative) for relative in step.INPUTS)
                raise RawDataError(f"{inputs}: {error}") from error
            for relative in step.INPUTS:
                checksums[relative] = {"module": step.__name__, "sha256": sha256(raw_dir / relative)}
        checksums_path = Path(staging) / CHECKSUMS_FILE
        checksums_path.write_text(
            json.dumps(checksums, sort_keys=True, indent=2) + "\n", encoding="utf-8", newline="\n"
        )
        written = []
        for path in [*staged, checksums_path]:
            os.replace(path, out_dir / path.name)
            written.append(out_dir / path.name)
    return written
