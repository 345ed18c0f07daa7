"""What the tests need from the machine, and a loud failure when it is missing.

A test that needs LibreOffice, Chromium, PostgreSQL or Node fails when the
service is not there (``.ci/run`` installs and starts each): it never skips,
so a green run always means the check ran.
"""

from __future__ import annotations

import pytest


def require(available: object, what: str, how: str) -> None:
    """Fail the calling test unless ``available`` is truthy."""
    if not available:
        pytest.fail(f"{what} is not available on this machine: {how} (bash .ci/run installs and starts it)", pytrace=False)
