"""What a test does when a part of this machine it needs is missing."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(what: str, required_by: str) -> NoReturn:
    """Skips the test, or fails it where the environment variable `required_by` is "1" (CI):
    there a missing part must not pass unnoticed as a skip."""
    if os.environ.get(required_by) == "1":
        raise RuntimeError(what)
    pytest.skip(what)
