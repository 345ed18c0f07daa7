"""Driving the app in a real browser: a Streamlit server on a free loopback
port, and Debian's Chromium through Playwright (no browser download)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
STREAMLIT = Path(sys.executable).parent / "streamlit"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def streamlit_server(env: Mapping[str, str] | None = None) -> Iterator[str]:
    """Serve app.py on a free loopback port; yield its URL; always stop it."""
    port = free_port()
    full_env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    proc = subprocess.Popen(
        [str(STREAMLIT), "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60  # a guard against a server that never starts, not a speed target
        while True:
            if proc.poll() is not None:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"streamlit exited with status {proc.returncode}:\n{out}")
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not answer on its health endpoint within 60 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()


def launch(playwright: Any) -> Any:
    """Debian's Chromium, headless, with the flags this machine needs; a test
    fails (never skips) where it is not installed."""
    from services import require

    require(CHROMIUM.exists(), "Debian's Chromium at /usr/bin/chromium", "apt-get install chromium")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def wait_idle(page: Any) -> None:
    """Wait until the script has finished its run: Streamlit shows a status
    widget while a run is long, and a view that computes shows a spinner, each
    only after a short delay; so the page counts as idle once neither has
    shown for 1 s on end."""
    busy = ("() => !!(document.querySelector('[data-testid=\"stStatusWidget\"]')"
            " || document.querySelector('[data-testid=\"stSpinner\"]'))")
    deadline = time.monotonic() + 60  # a guard against a page that never settles, not a speed target
    quiet = 0
    while quiet < 4:
        page.wait_for_timeout(250)
        quiet = 0 if page.evaluate(busy) else quiet + 1
        if time.monotonic() > deadline:
            pytest.fail("the page was still running after 60 s")


def open_app(page: Any, url: str) -> None:
    """Open the app at ``url`` and wait for its headline and the end of the script's run."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=90_000)
    wait_idle(page)


def headline(page: Any) -> str:
    """The first headline metric's value as shown, e.g. '38.6%'."""
    return str(page.get_by_test_id("stMetricValue").first.inner_text()).strip()
