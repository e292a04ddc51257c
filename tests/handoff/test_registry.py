"""The model registry (files) and the promotion guard."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from casinra_handoff import promotion
from casinra_handoff.registry import Registry, content_id, seed_id


def model(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_content_id_is_the_sha256_prefix(tmp_path: Path) -> None:
    f = model(tmp_path / "m.tar.gz", b"model bytes")
    assert content_id(f) == hashlib.sha256(b"model bytes").hexdigest()[:16]


def test_add_set_live_history(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "reg")
    a = reg.add(model(tmp_path / "a.tar.gz", b"a" * 10), name="a.tar.gz", origin="build")
    b = reg.add(model(tmp_path / "b.tar.gz", b"b" * 10), name="b.tar.gz", origin="content", by="deniz",
                figures={"macro_f1": 0.9})
    assert reg.add(tmp_path / "a.tar.gz", name="again", origin="build").name == "a.tar.gz"  # same file: no-op
    assert reg.model_file(a.id).read_bytes() == b"a" * 10
    assert os.stat(reg.model_file(a.id)).st_ino == os.stat(tmp_path / "a.tar.gz").st_ino  # a hard link, not a copy
    assert reg.live() is None
    reg.set_live(a.id, action="build", actor=None)
    entry = reg.set_live(b.id, action="promote", actor="deniz", reason="daha iyi", figures={"macro_f1": 0.9})
    assert (entry.previous, reg.live_id(), reg.live().figures) == (a.id, b.id, {"macro_f1": 0.9})
    assert [(h.action, h.model, h.previous) for h in reg.history()] == [("promote", b.id, a.id), ("build", a.id, None)]
    assert {m.id for m in reg.models()} == {a.id, b.id}
    with pytest.raises(KeyError):
        reg.set_live("0" * 16, action="promote", actor="deniz")
    assert reg.get("../../etc") is None


def test_a_new_build_goes_live_a_promoted_model_survives_a_restart(tmp_path: Path) -> None:
    reg = Registry(tmp_path / "reg")
    seed = model(tmp_path / "casinra.tar.gz", b"build 1")
    first = reg.adopt_seed(seed)
    assert first is not None and reg.live_id() == first.id and reg.history()[0].action == "build"
    promoted = reg.add(model(tmp_path / "cand.tar.gz", b"candidate"), name="cand", origin="content")
    reg.set_live(promoted.id, action="promote", actor="deniz")
    assert reg.adopt_seed(seed) is None and reg.live_id() == promoted.id  # the gateway restarted
    seed.unlink()
    model(seed, b"build 2")  # make train wrote a new model
    second = reg.adopt_seed(seed)
    assert second is not None and reg.live_id() == second.id
    assert reg.adopt_seed(tmp_path / "missing.tar.gz") is None


def report(candidate: str, live: str, **figures: tuple) -> dict:
    return {"candidate": {"id": candidate}, "live": {"id": live},
            "figures": [{"name": n, "candidate": c, "live": l} for n, (c, l) in figures.items()]}


GUARDS = ["safety_recall", "handoff_recall", "macro_f1", "journey_pass_rate"]


def test_the_guard_lets_an_equal_or_better_candidate_through() -> None:
    r = report("c", "l", safety_recall=(0.95, 0.95), handoff_recall=(0.92, 0.93), macro_f1=(0.94, 0.93),
               journey_pass_rate=(0.98, 0.97))
    assert promotion.check(r, "c", "l", GUARDS, margin=0.01).ok


def test_the_guard_refuses_a_worse_candidate_with_reasons() -> None:
    r = report("c", "l", safety_recall=(0.80, 0.95), handoff_recall=(0.90, 0.93), macro_f1=(0.94, 0.93),
               journey_pass_rate=(None, 0.97))
    verdict = promotion.check(r, "c", "l", GUARDS, margin=0.01)
    assert [(p.code, p.figure) for p in verdict.problems] == [
        ("worse", "safety_recall"), ("worse", "handoff_recall"), ("not_measured", "journey_pass_rate")]
    assert verdict.problems[0].message == ("Aday güvenlik mesajlarını yükseltme ölçüsünde canlı modelden kötü: "
                                           "%80,0, canlı %95,0 (izin verilen düşüş en fazla 1 puan).")
    assert "önce konuşma yolculuklarını çalıştırın" in verdict.problems[2].message


def test_the_guard_wants_a_report_against_today_s_live_model() -> None:
    r = report("c", "old-live", macro_f1=(0.9, 0.9))
    assert [p.code for p in promotion.check(r, "c", "new-live", ["macro_f1"], 0.01).problems] == ["stale_report"]
    assert [p.code for p in promotion.check(None, "c", "l", ["macro_f1"], 0.01).problems] == ["no_report"]
    assert [p.code for p in promotion.check(r, "other", "old-live", ["macro_f1"], 0.01).problems] == ["no_report"]


def test_the_build_s_hash_is_remembered_while_the_file_is_the_same(tmp_path: Path) -> None:
    seed = model(tmp_path / "casinra.tar.gz", b"build 1")
    assert seed_id(seed) == content_id(seed)
    memo = tmp_path / ".casinra.tar.gz.id"
    assert memo.is_file()
    seed.unlink()
    model(seed, b"build 2, longer")  # make train wrote a new file
    assert seed_id(seed) == content_id(seed) == hashlib.sha256(b"build 2, longer").hexdigest()[:16]
