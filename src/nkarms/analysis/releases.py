"""What changed between two releases of the data: claims added, removed and corrected.
Each past release keeps its claims and sources in ``data/releases/<version>/``
(see the README there); the current release is ``data/`` itself.

How two releases are compared
    1. Claims are matched by ``id``. A claim whose id is only in the newer
       release was added; one whose id is only in the older release was
       removed. A removed claim whose sources now back a claim of the same
       quantity under another id was merged into that claim.
    2. A matched claim was corrected when a field that both releases hold
       differs. Empty equals empty, numbers compare as numbers, dates as
       dates, and a list of sources as a set (reordering it corrects nothing).
       Fields that only one release has are a change of the schema, reported
       once for the table, not as a correction of every claim.
    3. Before 0.2.0 the tables had another schema: no claim ``kind``, no
       period, no ``claimant_id``, no source ``tier``, and a one-sided bound
       (``at least 2,000``) held its figure in ``value``. Before comparing, an
       older table's bound is moved to the side its qualifier names (``low``
       for ``at least`` and ``more than``, ``high`` for ``up to`` and
       ``fewer than``), as the 0.2.0 schema stores it, so that a moved figure
       is not counted as a correction. Kinds, periods and tiers have no
       counterpart before 0.2.0 and cannot be compared.
    4. A headline figure is what the report's key findings showed for a
       quantity. Up to 0.1.1 that was the highest claim: each claim ranked by
       its ``value``, else its ``high``, the latest among equals, over every
       claim of the quantity whatever its kind or unit, on the table as it
       then stood (``highest_then`` repeats that rule, so the page shows
       what readers saw). Since 0.2.0 it is the best current estimate of
       ``nkarms.analysis.judgement``. The two are set side by side with the
       older headline claim's fate under the newer rules.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nkarms import project
from nkarms.analysis.judgement import LOWER_BOUNDS, UPPER_BOUNDS
from nkarms.data import reads, split_ids

RELEASES = "releases"
TABLES = ("estimates", "sources")
NUMBER_FIELDS = ("value", "low", "high")
DATE_FIELDS = ("as_of", "period_start", "period_end", "published", "accessed")
LIST_FIELDS = ("source_ids",)


@dataclass(frozen=True)
class ClaimsDiff:
    """Claims added (newer rows), removed (older rows, with ``merged_into``) and corrected, and the schema change."""

    old_version: str
    new_version: str
    added: pd.DataFrame
    removed: pd.DataFrame
    corrected: pd.DataFrame
    fields_added: tuple[str, ...]
    fields_dropped: tuple[str, ...]


def version_key(version: str) -> tuple[int, ...]:
    """``0.10.1`` sorts after ``0.9.0``."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        raise ValueError(f"{version!r} is not a version of the form 1.2.3") from None


def releases_dir(root: Path | None = None) -> Path:
    """``data/releases`` of the project (default: :func:`nkarms.project.root`)."""
    return project.data_dir(root) / RELEASES


def snapshot_versions(root: Path | None = None) -> list[str]:
    """Every release with a snapshot folder, oldest first."""
    folder = releases_dir(root)
    found = [path.name for path in folder.iterdir() if path.is_dir()] if folder.is_dir() else []
    return sorted(found, key=version_key)


def base_version(current: str, snapshots: list[str]) -> str:
    """The release to compare ``current`` with: the newest snapshot of an older version."""
    older = [version for version in snapshots if version_key(version) < version_key(current)]
    if not older:
        raise ValueError(f"no snapshot of a release before {current} in data/{RELEASES}/ (see its README.md)")
    return max(older, key=version_key)


def missing_snapshots(changelog_versions: list[str], snapshots: list[str]) -> list[str]:
    """Versions of the changelog, older than its newest, that have no snapshot folder."""
    newest = max(changelog_versions, key=version_key)
    return sorted((v for v in set(changelog_versions) if v != newest and v not in snapshots), key=version_key)


def parse(raw: bytes) -> pd.DataFrame:
    """One snapshot table, typed as the comparison needs it: numbers, dates, text with empty as missing."""
    frame = pd.read_csv(io.BytesIO(raw), dtype="string", keep_default_na=False, na_values=[""])
    for column in frame.columns:
        if column in NUMBER_FIELDS:
            frame[column] = frame[column].astype("Float64")
        elif column in DATE_FIELDS:
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def load_release(version: str, table: str = "estimates", root: Path | None = None) -> pd.DataFrame:
    """A table as released in ``version``, exactly as stored (the read is recorded, so the page follows it)."""
    path = releases_dir(root) / version / f"{table}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no snapshot of {table} for release {version} (see data/{RELEASES}/README.md)")
    return parse(reads.record(path))


def normalised(estimates: pd.DataFrame) -> pd.DataFrame:
    """Rule 3: a table of the older schema with each one-sided bound moved from ``value`` to its side."""
    if "kind" in estimates.columns:
        return estimates
    frame = estimates.copy()
    for qualifiers, side in ((LOWER_BOUNDS, "low"), (UPPER_BOUNDS, "high")):
        moved = frame["qualifier"].isin(qualifiers) & frame["value"].notna() & frame[side].isna()
        frame.loc[moved, side] = frame.loc[moved, "value"]
        frame.loc[moved, "value"] = pd.NA
    return frame


def same(field: str, old: object, new: object) -> bool:
    """Rule 2: whether one field holds the same in both releases."""
    if pd.isna(old) or pd.isna(new):
        return bool(pd.isna(old) and pd.isna(new))
    if field in LIST_FIELDS:
        return set(split_ids(old)) == set(split_ids(new))
    if field in NUMBER_FIELDS:
        return float(old) == float(new)
    return old == new


def changed_fields(old: pd.Series, new: pd.Series, fields: list[str]) -> tuple[str, ...]:
    """The fields of ``fields`` whose values differ between the older and the newer row."""
    return tuple(field for field in fields if not same(field, old[field], new[field]))


def merged_into(removed: pd.Series, newer: pd.DataFrame) -> tuple[str, ...]:
    """Rule 1: the newer claims of the same quantity that carry one of a removed claim's sources."""
    sources = set(split_ids(removed["source_ids"]))
    same_metric = newer[newer["metric"] == removed["metric"]]
    return tuple(row["id"] for _, row in same_metric.iterrows() if sources & set(split_ids(row["source_ids"])))


def diff(old: pd.DataFrame, new: pd.DataFrame, old_version: str, new_version: str) -> ClaimsDiff:
    """Rules 1 to 3 between two estimates tables (an older and a newer release)."""
    for name, frame in (("older", old), ("newer", new)):
        repeated = frame["id"][frame["id"].duplicated()]
        if len(repeated):
            raise ValueError(f"the {name} estimates repeat the id {repeated.iloc[0]!r}; claims are matched by id")
    old, new = normalised(old), normalised(new)
    fields = [column for column in old.columns if column in new.columns and column != "id"]
    old_ids, new_ids = set(old["id"]), set(new["id"])
    added = new[~new["id"].isin(old_ids)].reset_index(drop=True)
    removed = old[~old["id"].isin(new_ids)].reset_index(drop=True)
    removed = removed.assign(merged_into=[merged_into(row, new) for _, row in removed.iterrows()])
    by_id = new.set_index("id", drop=False)
    corrected = []
    for _, before in old[old["id"].isin(new_ids)].iterrows():
        after = by_id.loc[before["id"]]
        changed = changed_fields(before, after, fields)
        if changed:
            corrected.append({"id": before["id"], "metric": after["metric"], "changed": changed,
                              "before": before, "after": after})
    return ClaimsDiff(
        old_version=old_version, new_version=new_version, added=added, removed=removed,
        corrected=pd.DataFrame(corrected, columns=["id", "metric", "changed", "before", "after"]),
        fields_added=tuple(c for c in new.columns if c not in old.columns),
        fields_dropped=tuple(c for c in old.columns if c not in new.columns),
    )


def highest_then(estimates: pd.DataFrame, metric: str) -> pd.Series | None:
    """Rule 4: the claim that 0.1.1's key findings showed as the highest for ``metric`` (None: no claim of it).

    Applied to a table as it was released, never a normalised one: the rule read
    a one-sided bound's figure where that release stored it.
    """
    claims = estimates[estimates["metric"] == metric]
    if claims.empty:
        return None
    ranked = claims.assign(_top=claims["value"].fillna(claims["high"])).sort_values(["_top", "as_of"])
    return ranked.iloc[-1].drop("_top")


def fate(claim_id: str, used: tuple[str, ...], excluded: tuple[tuple[str, str], ...], current_ids: set[str]) -> str:
    """What became of an older headline claim under a newer best estimate: in its band, set aside (and why), or gone."""
    if claim_id in used:
        return "in the band"
    reasons = [why for excluded_id, why in excluded if excluded_id == claim_id]
    if reasons:
        return f"set aside ({reasons[0]})"
    return "still a claim, of another quantity" if claim_id in current_ids else "no longer in the claims"
