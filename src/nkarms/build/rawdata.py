"""Before any chapter runs: ``data/derived/`` regenerated from ``data/raw/`` if the raw snapshots changed.

The pipeline records the sha256 of every raw file it read
(``data/derived/raw_checksums.json``); a raw file that is new, changed or gone
makes the derived tables stale. The build then reruns the whole pipeline
(all or nothing), or stops with the pipeline's message: it never executes a
chapter on derived tables that lag behind their raw data.
"""
from __future__ import annotations

from pathlib import Path


class StaleDataError(RuntimeError):
    """data/derived/ is stale and the pipeline could not regenerate it."""


def ensure_derived(root: Path) -> list[str]:
    """Regenerate ``root/data/derived`` if its raw inputs changed; return the raw files that had changed."""
    from nkarms.data.pipeline import RawDataError, default_raw_dir, run_all, stale_inputs

    raw, derived = default_raw_dir(), root / "data" / "derived"
    changed = stale_inputs(raw, derived)
    if not changed:
        return []
    print(f"data/derived is stale (raw inputs new, changed or gone: {', '.join(changed)}); "
          f"regenerating it from {raw}", flush=True)
    try:
        written = run_all(raw, derived)
    except (RawDataError, OSError) as error:
        raise StaleDataError(
            f"data/derived/ is stale ({', '.join(changed)} changed) and the pipeline failed, "
            f"so nothing was built from it:\n{error}"
        ) from error
    print(f"regenerated {len(written)} file(s) in {derived}", flush=True)
    return changed
