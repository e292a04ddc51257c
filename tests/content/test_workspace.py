"""The content branch in its own worktree: small edits, a readable diff, commits with the editor's
name, refusals in Turkish; the repository's own checkout is never touched."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.contentkit import checks
from bot.contentkit.project import Project
from bot.contentkit.workspace import Workspace, WorkspaceError

from .conftest import git


@pytest.fixture
def ws(repo: Path, tmp_path: Path) -> Workspace:
    return Workspace(repo, tmp_path / "content" / "workspace").ensure()


def test_a_worktree_on_its_own_branch(ws: Workspace, repo: Path) -> None:
    assert git(ws.path, "rev-parse", "--abbrev-ref", "HEAD").strip() == "content"
    assert ws.status()["ahead"] == 0 and ws.status()["changed"] == []
    assert Workspace(repo, ws.path).ensure().path == ws.path  # a second ensure() changes nothing


def test_an_example_goes_to_the_end_of_its_intent_block(ws: Workspace, repo: Path) -> None:
    out = ws.add_example("withdrawal_info", "  param  ne zaman\nhesabımda olur ")
    assert out == {"intent": "withdrawal_info", "text": "param ne zaman hesabımda olur",
                   "file": "data/nlu/payments.yml", "line": 37}
    lines = (ws.path / "data" / "nlu" / "payments.yml").read_text(encoding="utf-8").splitlines()
    assert lines[36] == "    - param ne zaman hesabımda olur"
    found = [e for e in ws.project().examples() if e.text == "param ne zaman hesabımda olur"]
    assert [(e.intent, e.where.line) for e in found] == [("withdrawal_info", 37)]
    # the repository's checkout still has the old file
    assert "param ne zaman" not in (repo / "data" / "nlu" / "payments.yml").read_text(encoding="utf-8")
    assert checks.errors(checks.validate(ws.project(), run_rasa=False)) == []


def test_an_intent_without_examples_gets_a_block_in_its_topic_file(ws: Workspace) -> None:
    domain = ws.path / "domain.yml"
    domain.write_text(domain.read_text(encoding="utf-8").replace("  - out_of_scope\n", "  - out_of_scope\n  - kyc_status\n"),
                      encoding="utf-8")
    out = ws.add_example("kyc_status", "hesap doğrulamam onaylandı mı")
    assert out["file"] == "data/nlu/kyc.yml"
    assert [(e.intent, e.text) for e in Project(ws.path).examples() if e.where.file == "data/nlu/kyc.yml"] == [
        ("kyc_status", "hesap doğrulamam onaylandı mı")]


@pytest.mark.parametrize("intent, text, message", [
    ("withdrawal_info", "çekim kaç günde gelir", "Bu cümle “withdrawal_info” altında zaten var (data/nlu/payments.yml:6)."),
    ("report_fraud", "Çekim kaç günde gelir?", "Bu cümle “withdrawal_info” niyetinde zaten var (data/nlu/payments.yml:6); "
                                               "aynı cümle iki niyette olamaz."),
    ("goodbye", "tamam o zaman güle güle", "Bu cümle değerlendirme verisinde var (tests/nlu/heldout.yml); eğitime "
                                           "eklenemez. Aynı anlamı kendi sözlerinizle yazın."),
    ("no_such_intent", "merhaba dünya", "“no_such_intent” niyeti domain.yml'de yok."),
    ("greet", "/greet", "Örnek cümle “/” ile başlayamaz (o bir buton komutudur)."),
    ("greet", "   ", "Örnek cümle boş olamaz."),
])
def test_refused_examples(ws: Workspace, intent: str, text: str, message: str) -> None:
    with pytest.raises(WorkspaceError) as refused:
        ws.add_example(intent, text)
    assert str(refused.value) == message
    assert ws.changed_files() == []


def test_an_answer_is_reworded_in_place(ws: Workspace) -> None:
    out = ws.edit_response("utter_goodbye", 0, 'Görüşmek üzere! "İyi" günler.\nYine bekleriz.')
    assert (out["file"], out["line"]) == ("domain.yml", 15)
    assert Project(ws.path).responses()["utter_goodbye"].variants[0].text == 'Görüşmek üzere! "İyi" günler.\nYine bekleriz.'
    diff = ws.diff()
    assert diff["changed"] == ["domain.yml"]
    lines = diff["files"][0]["hunks"][0]["lines"]
    assert [(l["kind"], l["old"], l["new"]) for l in lines if l["kind"] != " "] == [("-", 15, None), ("+", None, 15)]
    assert lines[[l["kind"] for l in lines].index("+")]["text"] == \
        '    - text: "Görüşmek üzere! \\"İyi\\" günler.\\nYine bekleriz."'
    with pytest.raises(WorkspaceError, match="“utter_nope” diye bir cevap yok."):
        ws.edit_response("utter_nope", 0, "x")
    with pytest.raises(WorkspaceError, match="utter_goodbye” cevabının 2. metni yok."):
        ws.edit_response("utter_goodbye", 1, "x")


def test_a_commit_carries_the_editor_and_the_message(ws: Workspace, repo: Path) -> None:
    with pytest.raises(WorkspaceError, match="Kaydedilecek değişiklik yok."):
        ws.commit("Boş kayıt denemesi", "Deniz", "deniz@casinra.local")
    ws.add_example("human_handoff", "birisiyle yazışmak istiyorum lütfen")
    with pytest.raises(WorkspaceError, match="açıklama"):
        ws.commit("x", "Deniz", "deniz@casinra.local")
    out = ws.commit("Temsilci isteğine bir örnek", "Deniz", "deniz@casinra.local")
    assert git(repo, "log", "-1", "--format=%an <%ae>|%s", "content").strip() == \
        "Deniz <deniz@casinra.local>|Temsilci isteğine bir örnek"
    assert git(repo, "rev-parse", "content").strip() == out["sha"]
    assert git(repo, "log", "-1", "--format=%s", "main").strip() == "fixture project"
    status = ws.status()
    assert (status["ahead"], status["changed"], status["commits"][0]["author"]) == (1, [], "Deniz")
    assert "birisiyle yazışmak" in ws.branch_diff()["text"]


def test_discard_drops_uncommitted_changes(ws: Workspace) -> None:
    ws.add_example("greet", "selam selam millet")
    ws.edit_response("utter_greet", 0, "Selam!")
    assert sorted(ws.changed_files()) == ["data/nlu/smalltalk.yml", "domain.yml"]
    assert ws.discard() == []


def test_sync_brings_main_s_commits(ws: Workspace, repo: Path) -> None:
    (repo / "README.md").write_text("güncellendi\n", encoding="utf-8")
    git(repo, "-c", "user.name=Lead", "-c", "user.email=lead@example.com", "commit", "-qam", "main moves on")
    assert ws.status()["behind"] == 1
    assert ws.sync()["behind"] == 0
