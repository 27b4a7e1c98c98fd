"""The PDF's parts on small inputs, without printing the report (test_pdf.py prints it).

The single-page build's real page, the chapters from ``_toc.yml``, the served
page with print.css, and ``static/pdf-prepare.js`` run in the same Chromium the
PDF uses, on a two-chapter page.
"""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from nkarms.site import cover, pdf


def test_real_page_follows_the_singlehtml_redirect(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "00-intro.html").write_text("<html></html>")
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=chapters/00-intro.html" />')
    assert pdf.real_page(tmp_path) == tmp_path / "chapters" / "00-intro.html"


def test_real_page_explains_a_missing_build(tmp_path):
    with pytest.raises(pdf.PdfError, match="build the single-page site first"):
        pdf.real_page(tmp_path)


def test_toc_chapters_number_every_chapter_after_the_root(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/00-a\nchapters:\n  - file: chapters/01-b\n  - file: chapters/02-c\n"
    )
    assert cover.toc_chapters(tmp_path) == [
        cover.Chapter("chapters/00-a", None), cover.Chapter("chapters/01-b", 1), cover.Chapter("chapters/02-c", 2),
    ]


def test_print_css_is_linked_once():
    page = "<html><head>\n<title>t</title>\n</head><body></body></html>"
    linked = pdf.with_print_css(page)
    assert linked.count("print.css") == 1 and 'media="print"' in linked
    assert pdf.with_print_css(linked) == linked


SMALL_PAGE = """<html><head><title>t</title></head><body><article class="bd-article">
<section><h1>Key findings<a class="headerlink" href="#k">#</a></h1>
<p><a href="https://example.org/a">a source</a> and <a href="https://example.org/b">https://example.org/b</a>,
<a href="#document-chapters/01-b">the next chapter</a>, <a href="data/t.csv">a table</a>.</p></section>
<span id="document-chapters/01-b"></span><section><h2>Boats</h2><p>text</p></section>
</article></body></html>"""
SMALL_COVER = {"title": "Arms", "subtitle": "A test", "author": "Team", "data_date": "4 December 2026", "version": "9.9.9",
               "site_url": None, "data_url": None}
SITE = "https://example.org/report/"


def test_the_report_is_served_with_print_css_beside_the_site(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "page.html").write_text(SMALL_PAGE, encoding="utf-8")
    with pdf.serve_report(tmp_path, tmp_path / "page.html") as server:
        def get(path: str) -> bytes:
            with urllib.request.urlopen(server.base_url + path, timeout=10) as response:
                return response.read()

        report = get(pdf.REPORT_PATH).decode("utf-8")
        assert report.count('media="print"') == 1 and "Key findings" in report
        css_path = re.search(r'href="([^"]*print\.css)"', report).group(1)
        assert get(css_path) == (Path(pdf.__file__).parent / "static" / "print.css").read_bytes()
        assert get("/data/t.csv") == b"x\n1\n"


def test_the_prepare_script_adds_cover_contents_and_chapter_marks(browser, tmp_path):
    """static/pdf-prepare.js on a two-chapter page, in the same Chromium the PDF uses."""
    (tmp_path / "page.html").write_text(SMALL_PAGE, encoding="utf-8")
    chapters = [{"docname": "chapters/00-a", "number": None}, {"docname": "chapters/01-b", "number": 1}]
    with pdf.serve_report(tmp_path, tmp_path / "page.html") as server:
        page = browser.new_page()
        try:
            page.goto(server.base_url + pdf.REPORT_PATH)
            page.add_script_tag(path=str(pdf.PREPARE_JS))
            assert page.evaluate("() => window.nkPdf.chartsDone()") is True
            lost = page.evaluate("(args) => window.nkPdf.prepare(args)", {
                "cover": SMALL_COVER, "chapters": [*chapters, {"docname": "chapters/02-c", "number": 2}], "baseurl": None})
            assert lost == {"missing": ["chapters/02-c"]}
            page.reload()
            page.add_script_tag(path=str(pdf.PREPARE_JS))
            done = page.evaluate("(args) => window.nkPdf.prepare(args)", {
                "cover": SMALL_COVER, "chapters": chapters, "baseurl": "https://example.org/report/"})
            assert [(c["id"], c["title"]) for c in done["chapters"]] == [("nk-chapter-0", "Key findings"), ("nk-chapter-1", "Boats")]
            page.evaluate("(pages) => window.nkPdf.fillPages(pages)", {"nk-chapter-0": 3, "nk-chapter-1": 5})
            facts = page.eval_on_selector_all(".nk-cover-facts > *", "(nodes) => nodes.map((n) => n.textContent)")
            assert facts == ["Data as of", "4 December 2026", "Version", "9.9.9"]
            entries = page.eval_on_selector_all(
                ".nk-toc-entry", "(links) => links.map((a) => [a.getAttribute('href'), ...[...a.children].map((s) => s.textContent)])")
            assert entries == [["#nk-chapter-0", "", "Key findings", "3"], ["#nk-chapter-1", "1", "Boats", "5"]]
            assert page.text_content("#nk-chapter-1 > .nk-chapter-label") == "Chapter 1"
            hrefs = page.eval_on_selector_all("article a", "(links) => links.map((a) => a.getAttribute('href'))")
            assert "#document-chapters/01-b" in hrefs, "a link within the report stays a link within the PDF"
            assert "https://example.org/report/data/t.csv" in hrefs, "a link to a file points at the published site"
            notes = page.inner_text("section.nk-chapter .nk-link-notes")
            assert "https://example.org/a" in notes and "https://example.org/b" not in notes, notes
            assert page.title() == "Arms: A test"
        finally:
            page.close()


def test_site_url_comes_from_the_build_setting_else_none(tmp_path, monkeypatch):
    (tmp_path / "_config.yml").write_text("title: t\n", encoding="utf-8")
    monkeypatch.delenv("NKARMS_SITE_URL", raising=False)
    assert cover.site_url(tmp_path) is None, "a local build knows no address"
    monkeypatch.setenv("NKARMS_SITE_URL", "https://example.org/report")
    assert cover.site_url(tmp_path) == "https://example.org/report/"
    monkeypatch.setenv("NKARMS_SITE_URL", "example.org/report")
    with pytest.raises(ValueError, match="absolute http"):
        cover.site_url(tmp_path)


def _prepared(browser, tmp_path: Path, page_html: str, site: str | None) -> dict:
    """Run pdf-prepare.js on ``page_html``; return the cover's facts, the page rules and the links."""
    (tmp_path / "page.html").write_text(page_html, encoding="utf-8")
    facts = {**SMALL_COVER, "site_url": site, "data_url": site and site + "data/all.zip"}
    chapters = [{"docname": "chapters/00-a", "number": None}, {"docname": "chapters/01-b", "number": 1}]
    with pdf.serve_report(tmp_path, tmp_path / "page.html") as server:
        page = browser.new_page()
        try:
            page.goto(server.base_url + pdf.REPORT_PATH)
            page.add_script_tag(path=str(pdf.PREPARE_JS))
            page.evaluate("(args) => window.nkPdf.prepare(args)", {"cover": facts, "chapters": chapters, "baseurl": site})
            return {
                "facts": page.eval_on_selector_all(".nk-cover-facts > *", "(nodes) => nodes.map((n) => n.textContent)"),
                "rules": page.text_content("#nk-print-pages"),
                "links": page.eval_on_selector_all("article a", "(links) => links.map((a) => [a.textContent, a.getAttribute('href')])"),
                "compact": page.eval_on_selector_all("table.nk-compact-table", "(tables) => tables.length"),
                "notes": page.eval_on_selector_all(".nk-link-notes li", "(items) => items.map((li) => li.textContent)"),
            }
        finally:
            page.close()


def test_the_site_address_is_on_the_cover_and_in_the_footer_when_known(browser, tmp_path):
    done = _prepared(browser, tmp_path, SMALL_PAGE, SITE)
    assert done["facts"][4:] == ["Online", SITE, "Data", SITE + "data/all.zip"]
    every_page = next(line for line in done["rules"].splitlines() if line.startswith("@page {"))
    assert f'@bottom-left {{ content: "{SITE}"; }}' in every_page, done["rules"]
    assert ["a table", SITE + "data/t.csv"] in done["links"]


def test_a_local_build_names_no_address(browser, tmp_path):
    done = _prepared(browser, tmp_path, SMALL_PAGE, None)
    assert done["facts"] == ["Data as of", "4 December 2026", "Version", "9.9.9"]
    assert "bottom-left" not in done["rules"] and "example.org/report" not in done["rules"]
    assert not any(text == "a table" for text, _ in done["links"]), "a link to a file that has no address is text"


def _long_table_page(rows: int) -> str:
    body = "".join(f'<tr><td>source {i}</td><td><a href="https://example.org/s/{i}">open</a></td></tr>' for i in range(rows))
    return SMALL_PAGE.replace("<p>text</p>", f"<table><thead><tr><th>Title</th><th>Link</th></tr></thead><tbody>{body}</tbody></table>")


def test_a_long_table_prints_compact_with_its_addresses_in_the_rows(browser, tmp_path):
    done = _prepared(browser, tmp_path, _long_table_page(101), SITE)
    assert done["compact"] == 1
    assert ["https://example.org/s/100", "https://example.org/s/100"] in done["links"]
    assert not any("example.org/s/" in note for note in done["notes"]), "the table's addresses are not repeated as notes"
    short = _prepared(browser, tmp_path, _long_table_page(100), SITE)
    assert short["compact"] == 0 and ["open", "https://example.org/s/99"] in short["links"]
