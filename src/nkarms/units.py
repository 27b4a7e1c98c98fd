"""Unit words after a count: the singular for exactly one (``1 soldier``, ``2 soldiers``).

A foundation module, so that analysis (claims as stated) and story (tables,
prose) share one rule without analysis importing story.
"""
from __future__ import annotations

import re

# Plural unit words whose singular is not the word without its final "s".
IRREGULAR_SINGULARS = {"people": "person", "personnel": "personnel", "series": "series", "children": "child", "men": "man", "women": "woman"}


def singular(unit: str) -> str:
    """The singular of a plural unit (``soldiers`` -> ``soldier``; ``artillery rounds`` -> ``artillery round``)."""
    if unit in IRREGULAR_SINGULARS:
        return IRREGULAR_SINGULARS[unit]
    if " of " in unit:  # "barrels of oil": the counted word comes first
        counted_word, _, rest = unit.partition(" of ")
        return f"{singular(counted_word)} of {rest}"
    head, _, last = unit.rpartition(" ")
    if last in IRREGULAR_SINGULARS:
        last = IRREGULAR_SINGULARS[last]
    elif last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif re.search(r"(ches|shes|sses|xes)$", last):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss"):
        last = last[:-1]
    return f"{head} {last}" if head else last


def unit_for(count: float, unit: str) -> str:
    """``unit`` as it reads after ``count``: singular for exactly one, as given otherwise."""
    return singular(unit) if count == 1 else unit
