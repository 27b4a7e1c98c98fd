"""The GitHub workflows run exactly the commands the README gives a new machine.

README.md's first fenced shell block builds the site and its second runs the
tests (``make book``, then ``make test``). The Pages workflow must run the first
and nothing else, and only after the test workflow has passed on the same commit;
the test workflow runs the second and nothing else, so what CI proves is what a
reader is told to type, and what is published is what was tested.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
README = PROJECT / "README.md"
WORKFLOWS = PROJECT / ".github" / "workflows"
SHELL_INFO = {"", "sh", "bash", "shell", "console", "shell-session", "zsh"}
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n]*\n(.*?)^ {0,3}\1[`~]*[ \t]*$", re.M | re.S)


def shell_blocks(markdown: str) -> list[list[str]]:
    """The commands of each fenced shell block, in order (prompts and comments dropped)."""
    blocks = []
    for match in FENCE.finditer(markdown):
        if match.group(2).lower() not in SHELL_INFO:
            continue
        commands = []
        for line in match.group(3).splitlines():
            line = re.sub(r"^\s*\$\s+", "", line).strip()
            if line and not line.startswith("#"):
                commands.append(line)
        if commands:
            blocks.append(commands)
    return blocks


def readme_commands() -> tuple[list[str], list[str]]:
    if not README.is_file():
        pytest.fail("README.md is missing: its first two shell blocks must give the build and test commands", pytrace=False)
    blocks = shell_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 2, "README.md needs two fenced shell blocks: the build command, then the test command"
    return blocks[0], blocks[1]


def workflow(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the bare key `on` as True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


def run_commands(document: dict[str, Any]) -> list[str]:
    return [line.strip() for step in steps(document) if "run" in step
            for line in str(step["run"]).splitlines() if line.strip() and not line.strip().startswith("#")]


def uses(document: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(document) if "uses" in step]


def step_using(document: dict[str, Any], action: str) -> dict[str, Any]:
    return next(step for step in steps(document) if step.get("uses", "").split("@")[0] == action)


# --- the README parser itself ------------------------------------------------------------


def test_shell_blocks_reads_fenced_shell_commands_only() -> None:
    markdown = (
        "# Report\n\nBuild it:\n\n```bash\n$ make book\n```\n\n"
        "```python\nprint('not a command')\n```\n\n"
        "~~~sh\n# the tests\nmake test\n~~~\n\n```\nmake pdf\n```\n"
    )
    assert shell_blocks(markdown) == [["make book"], ["make test"], ["make pdf"]]


# --- the workflows ----------------------------------------------------------------------------


def test_ci_runs_the_readmes_test_command_on_pull_requests() -> None:
    _, test = readme_commands()
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"]
    assert run_commands(ci) == test


def test_pages_runs_the_readmes_build_command_on_push_to_main() -> None:
    book, _ = readme_commands()
    pages = workflow("pages.yml")
    assert pages["on"]["push"]["branches"] == ["main"]
    assert run_commands(pages) == book


def test_pages_builds_only_after_the_test_workflow_passed() -> None:
    pages, ci = workflow("pages.yml"), workflow("ci.yml")
    gates = [name for name, job in pages["jobs"].items() if job.get("uses") == "./.github/workflows/ci.yml"]
    assert len(gates) == 1, "pages.yml must call the test workflow (ci.yml) as a job"
    assert "workflow_call" in ci["on"]
    for name, job in pages["jobs"].items():
        if any("run" in step for step in job.get("steps", [])):
            needs = job.get("needs") or []
            assert gates[0] in ([needs] if isinstance(needs, str) else needs), f"job {name} builds without the tests"


def test_readme_gives_make_book_then_make_test() -> None:
    assert readme_commands() == (["make book"], ["make test"])


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml"])
def test_workflow_checks_out_on_debian_with_python_3_11(name: str) -> None:
    """The README's machine: Debian with Python 3.11 (Debian's chromium is installed by make)."""
    document = workflow(name)
    assert uses(document)[0] == "actions/checkout"
    containers = [job.get("container") for job in document["jobs"].values() if any("run" in s for s in job.get("steps", []))]
    assert containers and all(image == "python:3.11-bookworm" for image in containers)
    for step in steps(document):
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), f"unpinned action {step['uses']}"


def test_pages_uploads_the_built_site_and_deploys_it() -> None:
    pages = workflow("pages.yml")
    assert step_using(pages, "actions/upload-pages-artifact")["with"]["path"] == "_build/html"
    assert "actions/deploy-pages" in uses(pages)
    assert pages["permissions"]["pages"] == "write"
    assert pages["permissions"]["id-token"] == "write"
    def job_using(action: str) -> str:
        return next(name for name, job in pages["jobs"].items()
                    if any(step.get("uses", "").startswith(action + "@") for step in job.get("steps", [])))

    build, deploy = job_using("actions/upload-pages-artifact"), job_using("actions/deploy-pages")
    assert build != deploy and pages["jobs"][deploy]["needs"] == build
    assert pages["jobs"][deploy]["environment"]["name"] == "github-pages"


def test_pages_builds_with_the_sites_published_address() -> None:
    """Open Graph previews need absolute addresses: the build learns the site's from configure-pages."""
    pages = workflow("pages.yml")
    configure = step_using(pages, "actions/configure-pages")
    build = next(step for step in steps(pages) if "run" in step)
    assert steps(pages).index(configure) < steps(pages).index(build)
    assert build["env"]["NKARMS_SITE_URL"] == f"${{{{ steps.{configure['id']}.outputs.base_url }}}}"


def test_ci_cannot_write_to_the_repository() -> None:
    assert workflow("ci.yml")["permissions"] == {"contents": "read"}
