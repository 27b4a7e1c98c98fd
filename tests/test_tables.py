"""Reader-facing tables (src/nkarms/story/tables.py)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from nkarms import data
from nkarms.story import tables


@pytest.fixture
def claims() -> pd.DataFrame:
    """A few rows typed as the estimates table types them (Float64, datetime64, string)."""
    frame = pd.DataFrame({
        "claimant": ["Claimant A", "Claimant <B> & Co", None],
        "as_of": pd.to_datetime(["2024-02-26", "2025-07-13", "2023-10-13"]),
        "value": [6_700.0, 28_000.0, None],
        "ratio": [74.626866, 400.0, None],
        "reports": [1_204, 3, None],
        "url": ["https://example.org/a?x=1&y=2", None, "https://example.org/b"],
        "unused": ["x", "y", "z"],
    })
    return frame.astype({"claimant": "string", "value": "Float64", "ratio": "Float64", "reports": "Int64", "url": "string"})


COLUMNS = {"as_of": "Date", "claimant": "Claimant", "value": "Containers", "ratio": "Rounds per container",
           "reports": "Reports"}


class Cells(HTMLParser):
    """Header and body cells of the first table in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_head = False
        elif tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            (self.head if self._in_head else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, text: str) -> None:
        if self._cell is not None:
            self._cell.append(text)


def parse(markup: str) -> Cells:
    cells = Cells()
    cells.feed(markup)
    return cells


def test_picks_orders_and_renames_columns(claims: pd.DataFrame) -> None:
    shown = tables.table(claims, COLUMNS, label="Claims").frame
    assert list(shown.columns) == list(COLUMNS.values())
    assert "unused" not in shown.columns


def test_formats_dates_and_numbers_for_readers(claims: pd.DataFrame) -> None:
    shown = tables.table(claims, COLUMNS, label="Claims").frame
    assert list(shown["Date"]) == ["26 Feb 2024", "13 Jul 2025", "13 Oct 2023"]
    assert list(shown["Containers"]) == ["6,700", "28,000", ""]
    assert list(shown["Rounds per container"]) == ["74.6", "400", ""]
    assert list(shown["Reports"]) == ["1,204", "3", ""]


def test_leaves_the_input_frame_alone(claims: pd.DataFrame) -> None:
    before = claims.copy()
    tables.table(claims, COLUMNS, label="Claims")
    pd.testing.assert_frame_equal(claims, before)


def test_html_has_a_header_row_and_one_row_per_record(claims: pd.DataFrame) -> None:
    markup = tables.table(claims, COLUMNS, label="Claims")._repr_html_()
    assert "<thead>" in markup and 'class="dataframe nk-table"' in markup
    cells = parse(markup)
    assert cells.head == list(COLUMNS.values())
    assert cells.rows[0] == ["26 Feb 2024", "Claimant A", "6,700", "74.6", "1,204"]
    assert cells.rows[2] == ["13 Oct 2023", "", "", "", ""]  # missing values are blank, not <NA> or nan


def test_html_escapes_cell_text(claims: pd.DataFrame) -> None:
    markup = tables.table(claims, COLUMNS, label="Claims")._repr_html_()
    assert "Claimant &lt;B&gt; &amp; Co" in markup
    assert "<B>" not in markup
    assert parse(markup).rows[1][1] == "Claimant <B> & Co"


def test_html_wraps_the_table_in_a_labelled_scrollable_region(claims: pd.DataFrame) -> None:
    markup = tables.table(claims, COLUMNS, label="Headline claims")._repr_html_()
    assert re.match(r'<div class="nk-table-wrap" role="region" aria-label="Headline claims" tabindex="0">', markup)
    assert markup.endswith("</div>")


def test_html_escapes_the_label(claims: pd.DataFrame) -> None:
    markup = tables.table(claims, COLUMNS, label='Claims "as stated" & dated')._repr_html_()
    assert 'aria-label="Claims &quot;as stated&quot; &amp; dated"' in markup


def test_link_columns_become_links(claims: pd.DataFrame) -> None:
    markup = tables.table(claims, {"claimant": "Claimant", "url": "Source"}, label="Claims",
                          links={"url": "read"})._repr_html_()
    assert '<a href="https://example.org/a?x=1&amp;y=2">read</a>' in markup
    assert parse(markup).rows[1] == ["Claimant <B> & Co", ""]


def test_text_form_has_no_index(claims: pd.DataFrame) -> None:
    shown = tables.table(claims, {"claimant": "Claimant", "value": "Containers"}, label="Claims")
    text = repr(shown)
    assert text.splitlines()[0].split() == ["Claimant", "Containers"]
    assert "28,000" in text
    assert not re.search(r"^\s*0\s", text.splitlines()[1])


def test_real_table_renders() -> None:
    """The real estimates table goes through with its real types."""
    estimates = data.load_estimates()
    shown = tables.table(estimates, {"as_of": "Date", "claimant": "Claimant", "value": "Figure"}, label="Claims")
    cells = parse(shown._repr_html_())
    assert len(cells.rows) == len(estimates)
    assert all(re.fullmatch(r"[1-9]\d? [A-Z][a-z]{2} \d{4}", row[0]) for row in cells.rows)


def test_dates_are_shown_without_a_leading_zero_and_missing_ones_blank() -> None:
    frame = pd.DataFrame({"when": pd.to_datetime(["2024-05-02", None, "2024-11-28"])})
    shown = tables.table(frame, {"when": "Date"}, "dates").frame
    assert shown["Date"].tolist() == ["2 May 2024", "", "28 Nov 2024"]


def test_years_and_resolution_numbers_print_without_separators() -> None:
    frame = pd.DataFrame({"year_of_order": [2023, 2024], "resolution": [1718, 2397], "number_delivered": [1000, 24]})
    cells = parse(tables.table(frame, {"year_of_order": "Year of order", "resolution": "Resolution",
                                       "number_delivered": "Number delivered"}, label="t")._repr_html_())
    assert [row[:2] for row in cells.rows] == [[str(y), str(r)] for y, r in zip(frame["year_of_order"], frame["resolution"])]
    assert [row[2] for row in cells.rows] == [f"{n:,}" for n in frame["number_delivered"]]


def test_headings_come_from_one_list_of_labels() -> None:
    frame = pd.DataFrame({"as_of": pd.to_datetime(["2024-01-01"]), "launch_place": ["Kursk"]})
    shown = tables.table(frame, ["as_of", "launch_place"], label="t").frame
    assert list(shown.columns) == [tables.LABELS["as_of"], "Launch place"]
    assert list(tables.table(frame, {"as_of": None}, label="t").frame.columns) == [tables.LABELS["as_of"]]


def test_hyphenated_words_are_kept_whole_and_numbers_align_right() -> None:
    frame = pd.DataFrame({"system": ["Iskander-M/KN-23 launcher"], "rows": [12_000]})
    markup = tables.table(frame, {"system": "System", "rows": "Rows"}, label="t")._repr_html_()
    assert '<span class="nk-word">Iskander-M/KN-23</span> launcher' in markup
    assert '<td class="nk-num">12,000</td>' in markup and '<td class="nk-num"><span' not in markup
