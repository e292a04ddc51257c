"""docs/configuration.md is what the code reads: every CASINRA_ variable, described once."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_configuration_page_is_up_to_date():
    result = subprocess.run([sys.executable, "scripts/configuration.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_variable_appears_once_per_service():
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for section in page.split("\n## ")[1:]:
        names = [line.split("`")[1] for line in section.splitlines() if line.startswith("| `CASINRA_")]
        assert len(names) == len(set(names)), section.splitlines()[0]
