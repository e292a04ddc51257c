"""Training a candidate model from a project (the content branch's worktree), with progress.

Rasa runs with the running checkout's code (`bot.` components, `models/spacy/`) and the project's
config, domain and data. Progress comes from Rasa's own log lines ("Starting to train component",
"Restored component … from cache"); the number of steps of the last run with the same config is
remembered, so the bar knows its end the second time.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

import yaml

from .progress import Progress
from .project import CODE_ROOT, Project

NOT_TRAINED = re.compile(r"Tokenizer$|^SpacyNLP$|^MitieNLP$|^FallbackClassifier$")
DEFAULT_CACHE = Path.home() / ".cache" / "casinra-destek" / "rasa"


class TrainingFailed(RuntimeError):
    pass


def expected_steps(project: Project, remembered: Path) -> int:
    config_text = project.config.read_text(encoding="utf-8")
    digest = hashlib.sha256(config_text.encode()).hexdigest()[:16]
    try:
        known = json.loads(remembered.read_text()).get(digest)
        if known:
            return int(known)
    except (OSError, ValueError):
        pass
    config = yaml.safe_load(config_text) or {}
    names = [c.get("name", "") for c in (config.get("pipeline") or []) + (config.get("policies") or [])]
    return max(1, sum(1 for n in names if not NOT_TRAINED.search(n.rsplit(".", 1)[-1])))


def remember_steps(project: Project, remembered: Path, steps: int) -> None:
    digest = hashlib.sha256(project.config.read_bytes()).hexdigest()[:16]
    try:
        known = json.loads(remembered.read_text())
    except (OSError, ValueError):
        known = {}
    known[digest] = steps
    remembered.write_text(json.dumps(known))


def git_commit(root: Path) -> Optional[str]:
    try:
        return subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


def train(project: Project, out_dir: Path, name: Optional[str] = None, progress: Optional[Progress] = None,
          log_file: Optional[Path] = None) -> Path:
    """Train → the model file (`<out_dir>/<name>.tar.gz`) with a `<name>.json` beside it."""
    step = progress or (lambda fraction, text: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name or time.strftime("aday-%Y%m%d-%H%M%S")
    remembered = out_dir / ".train-steps.json"
    total = expected_steps(project, remembered)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(CODE_ROOT), os.environ.get("PYTHONPATH")])),
           "TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
           "RASA_CACHE_DIRECTORY": os.environ.get("RASA_CACHE_DIRECTORY") or str(DEFAULT_CACHE)}
    cmd = [sys.executable, "-m", "rasa", "train", "--config", str(project.config), "--domain", str(project.domain),
           "--data", str(project.data), "--out", str(out_dir), "--fixed-model-name", name, "--num-threads", "2"]
    started = time.monotonic()
    step(0.02, "Veri ve domain okunuyor")
    done = 0
    tail: list = []
    log = log_file.open("w", encoding="utf-8") if log_file else None
    with subprocess.Popen(cmd, cwd=CODE_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if log:
                log.write(line)
            tail = (tail + [line.rstrip()])[-30:]
            started_component = re.search(r"Starting to train component '([^']+)'", line)
            finished = re.search(r"(Finished training|Restored) component '([^']+)'", line)
            if started_component:
                step(0.05 + 0.9 * done / max(total, done + 1), f"Eğitiliyor: {started_component.group(1)} ({done + 1}/{max(total, done + 1)})")
            elif finished:
                done += 1
                verb = "önbellekten alındı" if finished.group(1) == "Restored" else "eğitildi"
                step(0.05 + 0.9 * done / max(total, done), f"{finished.group(2)} {verb} ({done}/{max(total, done)})")
            elif "Started validating domain and training data" in line:
                step(0.03, "Veri doğrulanıyor")
    if log:
        log.close()
    model = out_dir / f"{name}.tar.gz"
    if proc.returncode != 0 or not model.is_file():
        raise TrainingFailed("Eğitim başarısız oldu:\n" + "\n".join(tail[-12:]))
    if done:
        remember_steps(project, remembered, done)
    (out_dir / f"{name}.json").write_text(json.dumps({
        "name": name, "file": model.name, "trained_at": time.time(), "seconds": round(time.monotonic() - started, 1),
        "project": str(project.root), "commit": git_commit(project.root),
    }, indent=2), encoding="utf-8")
    step(1.0, f"Model hazır: {model.name}")
    return model
