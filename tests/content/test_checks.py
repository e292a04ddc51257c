"""Validation: every check on a broken copy of the fixture, each message in Turkish with file and line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.contentkit import checks
from bot.contentkit.project import Project
from bot.contentkit.rasa_checks import rasa_validate

from .conftest import FIXTURE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "p", ignore=shutil.ignore_patterns("recorded"))
    return tmp_path / "p"


def append(path: Path, text: str) -> int:
    """Append lines → the 1-based number of the first appended line."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def codes(problems):  # type: ignore[no-untyped-def]
    return {p.code for p in problems}


def test_the_fixture_is_valid_with_rasa_s_checks_too(project: Path) -> None:
    assert checks.validate(Project(project)) == []


def test_examples_keep_their_file_and_line(project: Path) -> None:
    examples = Project(project).examples()
    first = next(e for e in examples if e.intent == "withdrawal_info")
    assert (first.text, str(first.where)) == ("para çekme ne kadar sürer", "data/nlu/payments.yml:5")
    assert Project(project).responses()["utter_goodbye"].variants[0].where.line == 15


def test_too_few_examples_and_a_missing_taxonomy_intent(project: Path) -> None:
    security = project / "data" / "nlu" / "security.yml"
    security.write_text("".join(security.read_text(encoding="utf-8").splitlines(keepends=True)[:10]), encoding="utf-8")
    (project / "content.yml").write_text((project / "content.yml").read_text() + "", encoding="utf-8")
    p = Project(project)
    p.taxonomy.append("ticket_status")
    problems = checks.check_counts(p, p.examples())
    few = next(x for x in problems if x.code == "too_few_examples")
    assert str(few.where) == "data/nlu/security.yml:3"
    assert few.message.startswith("“report_fraud” niyetinin 6 örneği var; en az 30 gerekli")
    missing = next(x for x in problems if x.code == "taxonomy_missing")
    assert "ticket_status" in missing.message and str(missing.where) == "domain.yml:3"


def test_one_sentence_under_two_intents(project: Path) -> None:
    line = append(project / "data" / "nlu" / "smalltalk.yml", "- intent: human_handoff\n  examples: |\n    - Merhaba!\n")
    problems = checks.check_conflicts(Project(project).examples())
    assert [str(p) for p in problems if p.code == "two_intents"] == [
        f"data/nlu/smalltalk.yml:{line + 2}: “Merhaba!” iki niyette birden var: greet (data/nlu/smalltalk.yml:5) ve "
        "human_handoff. Birinden silin."]


def test_near_duplicates_across_intents(project: Path) -> None:
    line = append(project / "data" / "nlu" / "support.yml", "    - para çekme ne kadar sürer ki\n")
    problems = checks.check_near_duplicates(Project(project).examples())
    assert [(p.code, str(p.where)) for p in problems] == [("near_duplicate", f"data/nlu/support.yml:{line}")]
    assert "neredeyse “para çekme ne kadar sürer”" in problems[0].message


def test_nothing_copied_from_evaluation_data(project: Path) -> None:
    exact = append(project / "data" / "nlu" / "payments.yml", "    - Çekim işlemi kaç iş günü sürer?\n")
    near = append(project / "data" / "nlu" / "payments.yml", "    - havale ile paramı çekersem ne zaman gelir ki\n")
    p = Project(project)
    problems = checks.check_not_copied(p.examples(), p.evaluation_texts())
    assert {(x.code, x.where.line) for x in problems} == {("copied_from_eval", exact), ("near_copy_of_eval", near)}
    assert all("tests/nlu/heldout.yml" in x.message for x in problems)


def test_answers_in_turkish_with_proper_letters(project: Path) -> None:
    domain = project / "domain.yml"
    domain.write_text(domain.read_text(encoding="utf-8")
                      .replace("Çekimler e-cüzdanlara", "Cekim e-cüzdanlara")
                      .replace("Görüşmek üzere, iyi günler dileriz.", "Thank you, see you and have a nice day."),
                      encoding="utf-8")
    problems = checks.check_turkish(Project(project), Project(project).examples())
    found = {(p.code, p.where.line): p.message for p in problems}
    assert found[("not_turkish", 15)].startswith("utter_goodbye cevabı Türkçe görünmüyor")
    assert found[("turkish_letters", 19)] == "utter_withdrawal_info: “cekim” Türkçe harfleriyle yazılmalı: “çekim”."


def test_every_answer_is_used(project: Path) -> None:
    domain = project / "domain.yml"
    domain.write_text(domain.read_text(encoding="utf-8").replace(
        "  utter_default:", "  utter_unused_one:\n    - text: \"Hiç kullanılmıyorum.\"\n  utter_default:"), encoding="utf-8")
    problems = checks.check_responses_used(Project(project))
    assert [(p.code, str(p.where)) for p in problems] == [("response_unused", "domain.yml:24")]


def test_rasa_s_own_findings_in_turkish(project: Path) -> None:
    append(project / "data" / "nlu" / "support.yml", "- intent: complaint\n  examples: |\n    - hiç memnun değilim\n")
    stories = project / "data" / "stories" / "stories.yml"
    stories.parent.mkdir()
    stories.write_text('version: "3.1"\nstories:\n'
                       "  - story: a greeting answered\n    steps:\n      - intent: greet\n      - action: utter_greet\n"
                       "  - story: a greeting answered with a goodbye\n    steps:\n      - intent: greet\n"
                       "      - action: utter_goodbye\n", encoding="utf-8")
    problems = rasa_validate(Project(project))
    found = codes(problems)
    assert "rasa_intent_not_in_domain" in found, problems
    conflict = next(p for p in problems if p.code == "rasa_conflict")
    assert "utter_goodbye" in conflict.message and "utter_greet" in conflict.message
    assert str(conflict.where) in ("data/stories/stories.yml:3", "data/stories/stories.yml:7")
