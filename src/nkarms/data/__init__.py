"""Stage 1, data: the tables in ``data/``, and the pipeline that derives some of them from raw snapshots.

Owns reading, validating and typing every table (``load``, with the
rules in ``problems``, ``rules`` and ``table_rules``), the record of which
files a chapter read (``reads``), the command-line validator (``validate``) and
the raw-data pipeline (``pipeline``). It may import only the foundation modules
(``nkarms.project``, ``nkarms.files``, ``nkarms.dates``, ``nkarms.toc``), never a later stage.

The loaders are re-exported here, so a chapter writes ``data.load_estimates()``.
"""
from nkarms.data.load import (
    DataError,
    catalogue,
    check_table,
    load,
    load_claimants,
    load_estimates,
    load_events,
    load_sources,
    resource_descriptor,
    resource_names,
    split_ids,
    validate_package,
)

__all__ = [
    "DataError", "catalogue", "check_table", "load", "load_claimants", "load_estimates", "load_events", "load_sources",
    "resource_descriptor", "resource_names", "split_ids", "validate_package",
]
