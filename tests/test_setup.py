"""The set-up the Makefile does: skipped when nothing changed, a clear error without Python 3.10."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_setup_is_up_to_date_after_make_test() -> None:
    # `make test` ran the set-up before these tests: a question-mode run must find nothing to do.
    result = subprocess.run(["make", "-q", "setup"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_setup_without_python_310_fails_with_one_clear_line(tmp_path: Path) -> None:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    # A PATH with the system's own tools only: no pyenv shims, no 3.10 interpreter.
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    if shutil.which("python3.10", path=env["PATH"]):
        pytest.skip("this machine has a system Python 3.10; the failure path cannot be shown")
    result = subprocess.run(
        ["make", "setup"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode != 0
    assert "Python 3.10 is required" in result.stderr
    assert not (tmp_path / ".venv").exists()
