"""The claims explorer (nkarms.story.explorer) and the extension that loads its script (nkarms.site.sphinx_explorer).

On the real tables: every claim is a row, every filter lists every value the
rows hold, every row links a source. On hand-made claims: the words of each
qualifier, unit and kind, written out by hand.
"""
from __future__ import annotations

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from nkarms import data
from nkarms.site import sphinx_explorer
from nkarms.story import explorer

ONE_SIDED = {"at least", "more than", "up to", "fewer than"}
TIER_ORDER = ["primary", "news", "aggregator"]


@pytest.fixture(scope="module")
def tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    return data.load_estimates(), data.load_sources()


@pytest.fixture(scope="module")
def page(tables) -> BeautifulSoup:
    return BeautifulSoup(explorer.explorer(*tables)._repr_html_(), "html.parser")


def test_every_claim_is_one_row(tables, page) -> None:
    estimates, _ = tables
    shown = explorer.rows(*tables)
    assert sorted(shown["id"]) == sorted(estimates["id"])
    assert len(page.select("tbody tr")) == len(estimates)


def test_the_filters_offer_every_claimant_kind_tier_and_quantity(tables, page) -> None:
    estimates, sources = tables
    offered = {select["data-filter"]: {option["value"] for option in select.select("option") if option["value"]}
               for select in page.select("select[data-filter]")}
    tier_of = dict(zip(sources["id"], sources["tier"]))
    best_tiers = {min((tier_of[s.strip()] for s in cell.split(";")), key=TIER_ORDER.index) for cell in estimates["source_ids"]}
    kinds = set(estimates["kind"]) | ({"bound"} if estimates["qualifier"].isin(ONE_SIDED).any() else set())
    assert offered == {"quantity": set(estimates["metric"]), "claimant": set(estimates["claimant_id"]),
                       "kind": kinds, "tier": best_tiers}


def test_every_row_holds_only_offered_values(page) -> None:
    offered = {select["data-filter"]: {option["value"] for option in select.select("option")}
               for select in page.select("select[data-filter]")}
    for row in page.select("tbody tr"):
        for name, values in offered.items():
            assert set(row[f"data-{name}"].split()) <= values, (name, row[f"data-{name}"])


def test_one_sided_claims_are_filtered_as_bounds_too(tables, page) -> None:
    estimates, _ = tables
    by_id = explorer.rows(*tables).set_index("id")["kind"]
    for _, claim in estimates.iterrows():
        expected = {claim["kind"], "bound"} if claim["qualifier"] in ONE_SIDED else {claim["kind"]}
        assert set(by_id[claim["id"]].split()) == expected, claim["id"]


def test_every_row_links_its_sources(tables, page) -> None:
    estimates, sources = tables
    urls = dict(zip(sources["id"], sources["url"]))
    cited = {claim_id: {urls[s.strip()] for s in cell.split(";")} for claim_id, cell in zip(estimates["id"], estimates["source_ids"])}
    rows = explorer.rows(*tables)
    for claim_id, found in zip(rows["id"], rows["links"]):
        assert {link.url for link in found} == cited[claim_id]
    for row in page.select("tbody tr"):
        assert any(a["href"].startswith(("https://", "http://")) for a in row.select("a[href]")), row.get_text()[:80]


def test_the_controls_are_hidden_until_the_script_shows_them(page) -> None:
    controls = page.select_one("div.nk-explorer-controls")
    assert controls.has_attr("hidden")
    assert all(select.find_parent("label") for select in page.select("select"))


def claim(qualifier: str, unit: str, value=None, low=None, high=None, kind: str = "count") -> pd.Series:
    return pd.Series({"qualifier": qualifier, "unit": unit, "value": value, "low": low, "high": high, "kind": kind})


@pytest.mark.parametrize("row, words", [
    (claim("at least", "missiles", low=1), "at least 1 missile"),
    (claim("fewer than", "missiles", high=50), "fewer than 50 missiles"),
    (claim("more than", "USD", low=20e9, kind="projection"), "more than $20 billion"),
    (claim("range", "soldiers", low=25_000, high=30_000), "25,000 to 30,000 soldiers"),
    (claim("range", "USD", low=5e9, high=9.8e9), "$5 billion to $9.8 billion"),
    (claim("about", "percent", value=50), "about 50 %"),
    (claim("as stated", "soldiers", value=1), "1 soldier"),
    (claim("about", "rounds", value=9_400_000, kind="conversion"), "about 9.4 million rounds"),
])
def test_claim_words(row: pd.Series, words: str) -> None:
    assert explorer.claim_words(row) == words


def test_kind_words_name_the_side_of_a_bound() -> None:
    assert explorer.kind_words(claim("fewer than", "missiles", high=50)) == "count, upper bound"
    assert explorer.kind_words(claim("more than", "USD", low=1, kind="projection")) == "projection, lower bound"
    assert explorer.kind_words(claim("about", "rounds", value=1, kind="conversion")) == "conversion"


def test_a_claim_citing_an_unknown_source_is_refused(tables) -> None:
    estimates, sources = tables
    broken = estimates.head(3).assign(source_ids="no-such-source")
    with pytest.raises(KeyError, match="no-such-source"):
        explorer.rows(broken, sources)


class FakeApp:
    def __init__(self) -> None:
        self.added: list[str] = []

    def add_js_file(self, name: str, **_: object) -> None:
        self.added.append(name)

    def add_css_file(self, name: str, **_: object) -> None:
        self.added.append(name)


def test_the_script_is_loaded_only_where_the_explorer_is(page) -> None:
    with_explorer, without = FakeApp(), FakeApp()
    sphinx_explorer._add_explorer(with_explorer, "chapters/11", "page.html", {"body": str(page)}, None)
    sphinx_explorer._add_explorer(without, "chapters/02", "page.html", {"body": '<div class="nk-chart"></div>'}, None)
    assert with_explorer.added == [sphinx_explorer.SCRIPT, sphinx_explorer.STYLESHEET]
    assert without.added == []


def test_headline_claims_say_what_the_best_estimate_made_of_them(tables) -> None:
    from nkarms.story import judgements

    estimates, sources = tables
    judged = judgements.judge_all(judgements.HEADLINES, estimates, sources)
    status = explorer.headline_status(judged)
    used = {claim_id for _, j in judged for claim_id in j.used_ids}
    set_aside = {claim_id for _, j in judged for claim_id, _ in j.excluded}
    assert used and set_aside and not used & set_aside
    assert {i for i, why in status.items() if why == "in the best estimate's band"} == used
    assert {i for i, why in status.items() if why.startswith("set aside")} == set_aside
    page = BeautifulSoup(explorer.explorer(estimates, sources, status=status)._repr_html_(), "html.parser")
    marked = [row for row in page.select("tbody tr") if row.select_one("td.nk-col-1 em")]
    assert len(marked) == len(used | set_aside)
