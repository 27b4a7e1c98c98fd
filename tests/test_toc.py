"""nkarms.toc and nkarms.files: one reader of _toc.yml, whole-file writes."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from nkarms import files, toc


def test_documents_are_the_root_then_chapters_then_parts_in_order(tmp_path: Path) -> None:
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: chapters/00\nchapters:\n  - file: chapters/01\n"
        "parts:\n  - caption: A\n    chapters:\n      - file: chapters/02\n      - file: chapters/03\n",
        encoding="utf-8",
    )
    assert toc.documents(tmp_path) == ["chapters/00", "chapters/01", "chapters/02", "chapters/03"]
    assert toc.notebooks(tmp_path)[-1] == tmp_path / "chapters/03.ipynb"


def test_write_text_atomic_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    files.write_text_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_write_text_atomic_leaves_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "chapter.ipynb"
    target.write_text("old", encoding="utf-8")

    def refuse(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        files.write_text_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["chapter.ipynb"]


def test_site_pages_leave_out_theme_templates_and_sources(tmp_path: Path) -> None:
    from nkarms.site.pages import pages

    for name in ("index.html", "chapters/01.html", "_static/webpack-macros.html", "_sources/x.html"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("<html></html>", encoding="utf-8")
    assert [p.relative_to(tmp_path).as_posix() for p in pages(tmp_path)] == ["chapters/01.html", "index.html"]


def test_sha256_is_of_the_bytes(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"abc")
    assert files.sha256(tmp_path / "a") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
