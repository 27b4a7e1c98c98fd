"""nkarms.site.sphinx_data: the per-page data box, link previews and the data archive."""
from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

from nkarms.project import Release
from nkarms.site import sphinx_data

RELEASE = Release(version="0.1.1", data_as_of=dt.date(2026, 12, 4))

MANIFEST = {
    "chapters/03-missiles.ipynb": {"inputs": {
        "data/estimates.csv": "a", "data/derived/cns_kn23_tests.csv": "b",
        "data/datapackage.json": "c", "src/nkarms/analysis/geo.py": "d",
    }},
}


def test_tables_read_are_the_csv_files_a_chapter_read() -> None:
    assert sphinx_data.tables_read(MANIFEST, "chapters/03-missiles") == ["derived/cns_kn23_tests.csv", "estimates.csv"]
    assert sphinx_data.tables_read(MANIFEST, "chapters/99-unknown") == []


def test_page_box_says_version_date_citation_and_downloads() -> None:
    box = sphinx_data.page_box(RELEASE, 1, ["estimates.csv", "derived/x.csv"], pdf=True)
    assert "Report version 0.1.1; data as of 4 December 2026." in box
    assert 'href="../chapters/08-data-methods.html#how-to-cite">Cite this report</a>' in box
    assert 'href="../CITATION.cff"' in box
    assert 'href="../data/estimates.csv"' in box and 'href="../data/derived/x.csv"' in box
    assert f'href="../data/{sphinx_data.ARCHIVE_NAME}"' in box
    assert f'href="../{sphinx_data.PDF_PATH}"' in box


def test_page_box_without_tables_or_pdf_offers_neither() -> None:
    box = sphinx_data.page_box(RELEASE, 0, [])
    assert "Data behind this page" not in box and "PDF" not in box
    assert f'href="data/{sphinx_data.ARCHIVE_NAME}"' in box


def test_preview_addresses_are_absolute_when_the_site_address_is_known() -> None:
    assert sphinx_data.preview_addresses("chapters/05-soldiers", "https://example.github.io/report") == (
        "https://example.github.io/report/_static/og-preview.png",
        "https://example.github.io/report/chapters/05-soldiers.html",
    )
    assert sphinx_data.preview_addresses("chapters/05-soldiers", "") == ("../_static/og-preview.png", None)


def test_open_graph_tags_are_escaped_and_url_is_optional() -> None:
    tags = sphinx_data.open_graph('Soldiers — "Arms"', "A & B", "x.png")
    assert '<meta property="og:title" content="Soldiers — &quot;Arms&quot;">' in tags
    assert '<meta property="og:description" content="A &amp; B">' in tags
    assert "og:url" not in tags
    assert '<meta property="og:url" content="https://e.org/p.html">' in sphinx_data.open_graph("t", "d", "i", "https://e.org/p.html")


def test_description_is_the_first_paragraph_cut_at_a_word() -> None:
    body = "<h1>T</h1><p>North <em>Korea</em> sent &amp; shipped many containers</p><p>later</p>"
    assert sphinx_data.description(body) == "North Korea sent & shipped many containers"
    assert sphinx_data.description(body, limit=20) == "North Korea sent &…"


def test_the_data_archive_is_reproducible(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "derived").mkdir(parents=True)
    (data / "b.csv").write_text("x\n1\n", encoding="utf-8")
    (data / "derived" / "a.csv").write_text("y\n2\n", encoding="utf-8")
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    sphinx_data.write_archive(data, first)
    (data / "b.csv").touch()
    sphinx_data.write_archive(data, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["data/b.csv", "data/derived/a.csv"]
        assert archive.read("data/derived/a.csv") == b"y\n2\n"


def test_the_archive_is_rewritten_only_when_the_data_changed(tmp_path: Path) -> None:
    data, target = tmp_path / "data", tmp_path / "out.zip"
    data.mkdir()
    (data / "b.csv").write_text("x\n1\n", encoding="utf-8")
    sphinx_data.write_archive(data, target)
    written = target.stat().st_mtime_ns
    os.utime(target, ns=(written - 10**9, written - 10**9))
    sphinx_data.write_archive(data, target)
    assert target.stat().st_mtime_ns == written - 10**9, "an archive of unchanged data was written again"
    (data / "b.csv").write_text("x\n2\n", encoding="utf-8")
    sphinx_data.write_archive(data, target)
    with zipfile.ZipFile(target) as archive:
        assert archive.read("data/b.csv") == b"x\n2\n"
        assert archive.comment == sphinx_data.data_digest(data).encode()
