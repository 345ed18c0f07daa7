"""Fixtures shared by the test modules."""

from __future__ import annotations

import sys
from typing import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _browser import streamlit_server  # noqa: E402
from libreoffice import SOFFICE  # noqa: E402
from services import require  # noqa: E402


@pytest.fixture
def _libreoffice() -> None:
    """Fail (never skip) a test that needs LibreOffice where it is missing."""
    require(SOFFICE, "LibreOffice (soffice)", "apt-get install libreoffice-calc-nogui")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A Streamlit server for app.py on a free loopback port (one per test module), always stopped."""
    with streamlit_server() as url:
        yield url
