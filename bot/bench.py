"""`make bench`, the NLU part: quality, ablations, safety escalation, training time and parse latency.

Writes results/bench/nlu.json; `python -m bench.report` renders it with the system figures
(`python -m bench`) into docs/bench.md. Every figure is measured in this run on this machine;
latency is also given as a ratio to a trivial endpoint of the same server, because absolute times
on shared machines are noisy.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

import requests
import yaml

from bot.evaluation import ModelParser, ascii_copy, load_heldout, load_probe, probe_report, safety_report, score

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "bench"
PROBE = ROOT.parent / "shared" / "eval" / "multi3nlu_tr_probe.tsv"
TURKISH = "bot.nlu_turkish.TurkishTextNormalizer"


def variant_configs(out: Path) -> Dict[str, Path]:
    """config.yml, and copies without the Turkish component / without spaCy."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    pipeline = config["pipeline"]
    variants = {
        "without Turkish component": [c for c in pipeline if c["name"] != TURKISH],
        "without spaCy (whitespace tokens)": [{"name": "WhitespaceTokenizer"}]
        + [c for c in pipeline if c["name"] not in {"SpacyNLP", "SpacyTokenizer"}],
    }
    paths = {}
    for name, components in variants.items():
        path = out / f"config-{len(paths)}.yml"
        path.write_text(yaml.safe_dump({**config, "pipeline": components}, allow_unicode=True), encoding="utf-8")
        paths[name] = path
    return paths


def train(args: List[str], name: str, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "rasa", *args, "--out", str(out), "--fixed-model-name", name, "--num-threads", "2"],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def quality(model: Path, with_probe: bool, safety: Dict | None = None) -> Dict[str, float]:
    """Held-out figures (and the probe's); with `safety` given, it is filled with the safety report."""
    parser = ModelParser(str(model))
    examples = load_heldout()
    plain = score(examples, parser.intents(e.text for e in examples))
    typed_ascii = ascii_copy(examples)
    ascii_scores = score(typed_ascii, parser.intents(e.text for e in typed_ascii))
    figures = {
        "heldout_macro_f1": plain.macro_f1,
        "heldout_accuracy": plain.accuracy,
        "ascii_macro_f1": ascii_scores.macro_f1,
        "ascii_drop": plain.macro_f1 - ascii_scores.macro_f1,
    }
    if with_probe and PROBE.exists():
        probe = load_probe(PROBE)
        figures.update(probe_report(probe, parser.intents(e.text for e in probe)))
    if safety is not None:
        cache: Dict[str, dict] = {}
        report = safety_report(lambda text: cache.setdefault(text, parser.parse(text)))
        safety.update({k: v for k, v in report.items() if k not in ("missed", "false_alarms")})
        safety["missed_n"], safety["false_alarms_n"] = len(report["missed"]), len(report["false_alarms"])
    return figures


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def latency(model: Path, samples: int) -> Dict[str, float]:
    port = free_port()
    empty = OUT / "empty.yml"  # no tracker store, no channels: /model/parse only
    empty.write_text("{}\n", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(model),
         "--endpoints", str(empty), "--credentials", str(empty),
         "--interface", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if requests.get(f"{url}/status", timeout=2).json().get("model_file"):
                    break
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("rasa server did not start")
            time.sleep(1)
        texts = [e.text for e in load_heldout()]
        session = requests.Session()
        for text in texts[:20]:  # warm-up
            session.post(f"{url}/model/parse", json={"text": text}, timeout=30)
        parse, baseline = [], []
        for i in range(samples):
            started = time.perf_counter()
            session.post(f"{url}/model/parse", json={"text": texts[i % len(texts)]}, timeout=30).raise_for_status()
            parse.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            session.get(f"{url}/version", timeout=30).raise_for_status()
            baseline.append((time.perf_counter() - started) * 1000)
    finally:
        server.terminate()
        server.wait(30)

    def pct(values: List[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[int(q) - 1]

    return {
        "parse_p50_ms": statistics.median(parse),
        "parse_p95_ms": pct(parse, 95),
        "baseline_p50_ms": statistics.median(baseline),
        "parse_to_baseline_p50": statistics.median(parse) / statistics.median(baseline),
        "samples": samples,
    }


def write(figures: Dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    figures["goals"] = [{"figure": label, "measured": value, "goal": goal, "met": met}
                        for label, value, goal, met in goals(figures)]
    (out / "nlu.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")


def goals(figures: Dict) -> List[tuple]:
    """(figure, measured, goal, met) for each quality and time goal of the project."""
    full = figures["models"]["full pipeline"]
    rows = [
        ("held-out macro-F1 (issue 10)", full["heldout_macro_f1"], "≥ 0.95", full["heldout_macro_f1"] >= 0.95),
        ("ASCII-typed drop", full["ascii_drop"], "≤ 0.02", full["ascii_drop"] <= 0.02),
        ("full training, minutes", figures["train_seconds"] / 60, "≤ 5", figures["train_seconds"] <= 300),
    ]
    safety = figures.get("safety")
    if safety:  # issue 10
        rows += [
            ("safety recall", safety["recall"], "≥ 0.97", safety["recall"] >= 0.97),
            ("safety false alarms on ordinary messages", safety["false_alarm_rate"], "≤ 0.02",
             safety["false_alarm_rate"] <= 0.02),
        ]
    if "human_handoff_recall" in full:
        rows += [
            ("probe human_handoff recall", full["human_handoff_recall"], "≥ 0.90", full["human_handoff_recall"] >= 0.90),
            ("probe greet/thank/goodbye accuracy", full["smalltalk_accuracy"], "≥ 0.90", full["smalltalk_accuracy"] >= 0.90),
            ("probe out-of-scope rejected", full["out_of_scope_rejected"], "≥ 0.85", full["out_of_scope_rejected"] >= 0.85),
        ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--skip-ablations", action="store_true")
    parser.add_argument("--reuse-ablations", action="store_true",
                        help="evaluate the ablation models of an earlier run instead of training them")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    models = OUT / "models"
    figures: Dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "models": {}}

    print("training the full model (NLU + dialogue) …", flush=True)
    figures["train_seconds"] = train(
        ["train", "--force"], "full", models
    )
    print("evaluating …", flush=True)
    figures["safety"] = {}
    figures["models"]["full pipeline"] = quality(models / "full.tar.gz", with_probe=True, safety=figures["safety"])
    if not args.skip_ablations:
        for i, (name, config) in enumerate(variant_configs(OUT).items()):
            if not (args.reuse_ablations and (models / f"ablation-{i}.tar.gz").exists()):
                print(f"training NLU {name} …", flush=True)
                train(["train", "nlu", "--config", str(config)], f"ablation-{i}", models)
            figures["models"][name] = quality(models / f"ablation-{i}.tar.gz", with_probe=False)
            (OUT / "partial.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print("measuring parse latency …", flush=True)
    figures["latency"] = latency(models / "full.tar.gz", args.samples)
    write(figures, OUT)
    print(json.dumps({g["figure"]: g["measured"] for g in figures["goals"]}, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
