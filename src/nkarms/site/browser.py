"""The one browser the project drives: Debian's Chromium, headless, through Playwright.

The PDF, the browser tests, the JupyterLab test and the benchmark all launch it
here, so its path and flags are written once. Playwright's own browser download
cannot run on this machine; ``make system-deps`` installs Debian's ``chromium``.
``NKARMS_CHROMIUM`` points at another binary, read when a browser is launched.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

CHROMIUM_ENV = "NKARMS_CHROMIUM"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# No sandbox: Chromium refuses its sandbox to root, which builds and tests run as
# on this machine and in containers. The rest keep a headless run quiet and offline: no GPU,
# no background fetches, component updates, sync, first-run page or QUIC.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


class BrowserMissing(RuntimeError):
    """Chromium is not installed where the project looks for it."""


def executable() -> Path:
    """The Chromium binary: ``$NKARMS_CHROMIUM``, else Debian's ``/usr/bin/chromium``."""
    return Path(os.environ.get(CHROMIUM_ENV) or DEBIAN_CHROMIUM)


def require() -> Path:
    """The Chromium binary, or :class:`BrowserMissing` saying how to install it."""
    path = executable()
    if not path.exists():
        raise BrowserMissing(f"{path} is missing: run `make system-deps` to install Debian's chromium")
    return path


def launch(playwright: Any, **options: Any) -> Any:
    """A headless Chromium from ``playwright`` (a started ``sync_playwright()``).

    Playwright gives every launch a fresh, temporary user data dir, deleted on close.
    """
    return playwright.chromium.launch(executable_path=str(require()), args=list(FLAGS), headless=True, **options)


def seconds_until_text(page: Any, text: str, timeout: float) -> float | None:
    """Seconds until the open ``page`` shows ``text``, or None after ``timeout`` seconds.

    The page may reload meanwhile (the live preview reloads it after a rebuild):
    a read that meets a navigation is simply tried again.
    """
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if page.evaluate("(text) => document.body.innerText.includes(text)", text):
                return time.monotonic() - start
        except Exception:  # Playwright's error when the page navigates during the read
            pass
        time.sleep(0.05)
    return None
