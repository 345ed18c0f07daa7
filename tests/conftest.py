"""Fixtures shared by the test modules."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE  # noqa: E402
from services import require  # noqa: E402


@pytest.fixture
def _libreoffice() -> None:
    """Fail (never skip) a test that needs LibreOffice where it is missing."""
    require(SOFFICE, "LibreOffice (soffice)", "apt-get install libreoffice-calc-nogui")
