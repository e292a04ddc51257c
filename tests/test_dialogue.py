"""Test stories (tests/test_*.yml) against the trained model: every intent and every
next action must be predicted correctly."""
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "casinra.tar.gz"


def test_all_test_stories_pass(tmp_path):
    stories = tmp_path / "stories"  # `rasa test core` takes one file or folder
    stories.mkdir()
    for path in (ROOT / "tests").glob("test_*.yml"):
        shutil.copy(path, stories / path.name)
    assert list(stories.iterdir()), "no test stories found"
    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(MODEL), "--stories", str(stories),
         "--fail-on-prediction-errors", "--out", str(out), "--no-plot"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    failed = out / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else result.stdout[-4000:] + result.stderr[-4000:]
    assert result.returncode == 0, detail
