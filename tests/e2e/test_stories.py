"""The test stories (tests/test_stories.yml) against the trained model, as `rasa test` runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_stories_pass_with_no_prediction_errors(model: Path, tmp_path: Path) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [
            sys.executable, "-m", "rasa", "test", "core", "--model", str(model),
            "--stories", str(ROOT / "tests" / "test_stories.yml"),
            "--fail-on-prediction-errors", "--out", str(tmp_path),
        ],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=1200,
    )  # fmt: skip
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text("utf-8") if failed.exists() else ""
    assert result.returncode == 0, (details or result.stdout[-4000:]) + result.stderr[-2000:]
