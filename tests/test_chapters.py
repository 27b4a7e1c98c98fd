"""What every chapter owes its reader (issue 12): key points, "What this means", prose, human words.

Definitions, so that a failure can be argued with:

- A *story chapter* is every notebook in ``_toc.yml`` except the root page
  (key findings), the data-and-methods chapter and any "What's new" or claims
  explorer page (names holding ``data-methods``, ``whats-new``/``what-s-new``
  or ``explorer``).
- The *key-points block* is a line reading "Key points" (a bold line, a
  heading or an ``{admonition} Key points``) before the chapter's first
  ``##`` heading, followed in the same markdown cell by three to five bullet
  items, each of which inserts at least one glued figure (``{glue:...}``), or
  by a glued Markdown list (``{glue:md}``) whose stored output holds three to
  five bullets.
- *What this means* is a ``## What this means`` heading that is the chapter's
  last ``##`` heading, with at least 120 words of prose under it.
- *Prose words* are the words of the chapter's markdown cells after removing
  headings, fenced blocks (figure and table captions, code; admonitions such
  as the key points are kept, without their fence lines), Markdown table
  rows, HTML tags, link targets, inline code and glue roles (a glued value
  is data, not the writer's prose). A word is a run of letters, digits,
  apostrophes or hyphens holding at least one letter. Every chapter (the story
  chapters, key findings and data and methods; not the What's-new and
  explorer pages, which list data) needs at least 800.
- *Rendered text* is the chapter's markdown cells plus every output's
  ``text/plain``, ``text/markdown`` and ``text/html`` (glued values included),
  with HTML reduced to its visible text (no scripts, styles or attributes).
  Inline code and ``<code>`` are left out: a field name shown as code is the
  methods chapter documenting the schema, not machine phrasing leaking.
  A *raw field name* is a metric name in ``data/estimates.csv`` or a column
  name holding an underscore in any table under ``data/``.
"""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from nkarms import toc

ROOT = Path(__file__).resolve().parents[1]
NOT_CHAPTERS = ("whats-new", "what-s-new", "explorer")  # pages that list or filter data rather than tell
NOT_STORY = ("data-methods", *NOT_CHAPTERS)
PROSE_WORDS, MEANING_WORDS = 800, 120
ONE_PLURAL = re.compile(r"\b1 (soldiers|missiles|containers|claims|sources|rounds|systems|people|launches|events|"
                        r"designations|chapters|claimants|tests|ships|barrels|shells|troops|countries)\b")
GLUE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`")
WORD = re.compile(r"[\w'’-]*[^\W\d_][\w'’-]*")
FENCE = re.compile(r"^(```+|:::+)\s*(\{([\w:-]+)\})?")
BULLET = re.compile(r"^\s*[-*+] ")


def notebook(name: str) -> nbformat.NotebookNode:
    path = ROOT / f"{name}.ipynb"
    assert path.exists(), f"_toc.yml lists {name}, but {path.name} does not exist"
    return nbformat.read(path, as_version=4)


def chapters() -> list[str]:
    """Every document in _toc.yml but the What's-new and explorer pages."""
    return [name for name in toc.documents(ROOT) if not any(part in name for part in NOT_CHAPTERS)]


def story_chapters() -> list[str]:
    """The chapters but the root page (key findings) and data and methods."""
    return [name for name in chapters()[1:] if not any(part in name for part in NOT_STORY)]


def markdown_sources(nb: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def prose_lines(text: str) -> list[str]:
    """The lines of a markdown cell that hold prose: no headings, captions, code, tables or fence lines."""
    kept, fences = [], []
    for line in text.splitlines():
        match = FENCE.match(line.strip())
        if match:
            opener = match.group(1)
            if fences and opener[0] == fences[-1][0][0] and not match.group(2):
                fences.pop()
            else:
                fences.append((opener, match.group(3) or ""))
            continue
        if any(directive != "admonition" for _, directive in fences):
            continue
        stripped = line.strip()
        if stripped.startswith(("#", "|")) or re.fullmatch(r":\w+:.*", stripped):
            continue
        kept.append(line)
    return kept


def prose_words(text: str) -> int:
    """Words of prose in one markdown text (see the module docstring)."""
    prose = "\n".join(prose_lines(text))
    prose = GLUE.sub(" ", prose)
    prose = re.sub(r"\{\w+\}`[^`]*`", " ", prose)  # other roles: {numref}`...`
    prose = re.sub(r"``.*?``|`[^`]*`", " ", prose)
    prose = re.sub(r"\]\([^)]*\)", "]", prose)
    prose = re.sub(r"<[^>]+>", " ", prose)
    return len(WORD.findall(prose))


def sections(text: str) -> list[tuple[str, str]]:
    """The chapter's markdown split at level-2 headings: (heading, text under it)."""
    parts = re.split(r"^## +(.+)$", text, flags=re.MULTILINE)
    return list(zip(parts[1::2], parts[2::2]))


def glued(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Each glued name and its stored Markdown, else its plain text."""
    values = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = output.get("data", {})
            if name:
                markdown = next((v for k, v in data.items() if k.endswith("text/markdown")), None)
                values[name] = markdown if markdown is not None else next((v for k, v in data.items() if k.endswith("text/plain")), "")
    return values


def list_after(text: str) -> list[str]:
    """The items of the first bullet list in ``text``: it ends at a fence line or an unindented line that is no bullet."""
    items: list[str] = []
    for line in text.splitlines():
        if BULLET.match(line):
            items.append(BULLET.sub("", line, count=1))
        elif items and (FENCE.match(line.strip()) or (line.strip() and not line[0].isspace())):
            break
        elif items and line.strip():
            items[-1] += " " + line.strip()
    return items


def key_points(nb: nbformat.NotebookNode) -> tuple[list[str], bool]:
    """The items of the key-points block before the first ``##`` heading, and whether they were glued as one list."""
    for text in markdown_sources(nb):
        head = re.split(r"^## ", text, maxsplit=1, flags=re.MULTILINE)
        marker = re.search(r"^.*\bKey points\b.*$", head[0], flags=re.MULTILINE | re.IGNORECASE)
        if marker:
            after = head[0][marker.end():]
            items = list_after(after)
            if items:
                return items, False
            pasted = re.search(r"\{glue:md\}`([^`]+)`|```\{glue:md\} +(\S+)", after)
            if pasted:
                return list_after(glued(nb).get(pasted.group(1) or pasted.group(2), "")), True
            return [], False
        if len(head) > 1:  # a ## heading came before any key points
            return [], False
    return [], False


class VisibleText(HTMLParser):
    """The text an HTML output shows: no scripts, styles, attributes or code."""

    HIDDEN = frozenset({"script", "style", "code"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.hidden += tag in self.HIDDEN

    def handle_endtag(self, tag: str) -> None:
        self.hidden -= tag in self.HIDDEN and self.hidden > 0

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html_text: str) -> str:
    parser = VisibleText()
    parser.feed(html_text)
    return " ".join(parser.parts)


def rendered_texts(nb: nbformat.NotebookNode) -> list[str]:
    """Every piece of text a reader can see (see the module docstring), inline code removed."""
    texts = list(markdown_sources(nb))
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                value = "".join(value) if isinstance(value, list) else str(value)
                if mime.endswith("text/html"):
                    texts.append(visible(value))
                elif mime.endswith(("text/plain", "text/markdown")):
                    texts.append(value)
    return [re.sub(r"\]\([^)]*\)", "]", re.sub(r"``.*?``|`[^`]*`", " ", text, flags=re.DOTALL)) for text in texts]


def raw_field_names() -> set[str]:
    names = set()
    for path in [*ROOT.glob("data/*.csv"), *ROOT.glob("data/derived/*.csv")]:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            names |= {column for column in reader.fieldnames or [] if "_" in column}
            if path.name == "estimates.csv":
                names |= {row["metric"] for row in reader}
    return names


def leaks(text: str, names: set[str]) -> list[str]:
    """Raw field names and "1 <plural>" phrases in ``text``."""
    found = [name for name in names if re.search(rf"(?<![\w/.-]){re.escape(name)}(?![\w-])", text)]
    return found + [match.group(0) for match in ONE_PLURAL.finditer(text)]


# --- the helpers above, on hand-made text --------------------------------------------------------


def test_prose_words_leaves_out_captions_tables_headings_and_glue() -> None:
    text = ("# Title\n\nOne two three {glue:text}`n-x` four.\n\n| a | b |\n|---|---|\n| c | d |\n\n"
            "```{glue:figure} fig-x\n:name: fig-x\n\nCaption words here.\n```\n\n"
            ":::{admonition} Key points\n- five six\n:::\n")
    assert prose_words(text) == 6


def test_key_points_and_leaks_detect_what_they_should() -> None:
    good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# T\n\n**Key points**\n\n- a {glue:text}`x`\n- b {glue:text}`y`\n- c {glue:text}`z`\n\n## Next")])
    late = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T\n\n## First\n\n**Key points**\n\n- a\n- b\n- c")])
    assert len(key_points(good)[0]) == 3
    assert key_points(late) == ([], False)
    trailing = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        ":::{admonition} Key points\n- a {glue:text}`x`\n- b\n  more b\n:::\n\nText.\n\n- not a key point")])
    assert key_points(trailing) == (["a {glue:text}`x`", "b more b"], False)
    assert leaks("North Korea sent 1 soldiers; troops_deployed rose", {"troops_deployed"}) == ["troops_deployed", "1 soldiers"]
    assert leaks("see `troops_deployed` and 11 soldiers", {"troops_deployed"}) == ["troops_deployed"]
    assert leaks(rendered_texts(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "see `troops_deployed` and 11 soldiers")]))[0], {"troops_deployed"}) == []


# --- every chapter -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", story_chapters())
def test_story_chapter_opens_with_key_points(name: str) -> None:
    items, computed_as_one = key_points(notebook(name))
    assert 3 <= len(items) <= 5, f"{name}: {len(items)} key points before the first ## heading (want 3 to 5)"
    unglued = [item.strip()[:60] for item in items if "{glue" not in item]
    assert computed_as_one or not unglued, f"{name}: key points without a glued figure: {unglued}"


@pytest.mark.parametrize("name", story_chapters())
def test_story_chapter_closes_with_what_this_means(name: str) -> None:
    parts = sections("\n\n".join(markdown_sources(notebook(name))))
    headings = [heading.strip() for heading, _ in parts]
    assert "What this means" in headings, f"{name}: no '## What this means' section"
    assert headings[-1] == "What this means", f"{name}: '## What this means' is not the last section ({headings[-1]!r} follows)"
    words = prose_words(parts[-1][1])
    assert words >= MEANING_WORDS, f"{name}: 'What this means' holds {words} words of prose (want {MEANING_WORDS})"


@pytest.mark.parametrize("name", chapters())
def test_chapter_has_enough_prose(name: str) -> None:
    words = sum(prose_words(text) for text in markdown_sources(notebook(name)))
    assert words >= PROSE_WORDS, f"{name}: {words} words of prose in markdown cells (want {PROSE_WORDS})"


@pytest.mark.parametrize("name", toc.documents(ROOT))
def test_no_raw_field_names_or_one_plural(name: str) -> None:
    names = raw_field_names()
    found = sorted({leak for text in rendered_texts(notebook(name)) for leak in leaks(text, names)})
    assert not found, f"{name}: rendered text shows {found}"


def test_key_findings_open_with_judgements_before_the_table_of_claims() -> None:
    """Issue 15: numbered judgements, each led by its ICD 203 word and giving its claimants, come before the claims table."""
    from nkarms.analysis.judgement import LADDER
    from nkarms.story.judgements import HEADLINES

    nb = notebook(toc.documents(ROOT)[0])
    text = "\n\n".join(markdown_sources(nb))
    first_section = sections(text)[0][0].strip()
    assert first_section == "Judgements", f"key findings open with {first_section!r}, not the judgements"
    pasted = re.search(r"```\{glue:md\} +(\S+)", sections(text)[0][1])
    assert pasted, "the Judgements section pastes no glued list"
    assert text.index(pasted.group(0)) < text.index("tbl-claims"), "the judgements come after the table of claims"
    items = [line for line in glued(nb)[pasted.group(1)].splitlines() if re.match(r"\d+\. ", line)]
    assert len(items) == len(HEADLINES), f"{len(items)} numbered judgements for {len(HEADLINES)} headline quantities"
    words = "|".join(re.escape(word) for word in LADDER)
    for item in items:
        assert re.match(rf"\d+\. (It is|There is a) \*\*({words})\*\* \(\d+-\d+ %\)", item), f"no leading likelihood word: {item[:80]}"
        assert re.search(r"\b\d+ independent claimants?\b", item), f"no count of independent claimants: {item[:80]}"
        assert "](" in item or "{ref}" in item, f"no link to its evidence: {item[:80]}"


@pytest.mark.parametrize("phrase", [
    "either/or",                       # the Air Force's Iskander-M/KN-23 label (its PROVENANCE.md)
    "excludes artillery ammunition",   # SIPRI's coverage
    "licence of the CNS/NTI source database is not stated",
    "de facto",                        # Natural Earth's borders ...
    "68/262",                          # ... and the convention the maps follow
    "data as of",
])
def test_methods_chapter_carries_the_provenance_caveats(phrase: str) -> None:
    name = next(name for name in toc.documents(ROOT) if "data-methods" in name)
    text = " ".join(" ".join(part.split()) for part in rendered_texts(notebook(name)))
    assert phrase.lower() in text.lower(), f"{name} does not say {phrase!r}"
