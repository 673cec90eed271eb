"""Answer files: every bad input gets one clear located line, exit code 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.errors import Msg, quote
from builder.core.schema import Questionnaire

from .conftest import answers

GOOD = """version: 1
clinic: {name: "Test Clinic", organisation: "Test Trust"}
answers:
  budget: none
  champions: [clinical_staff, patients]
"""

SPACE_OPTIONS = "dedicated_room, shared_room, none"
CHAMPION_OPTIONS = "clinical_staff, managers, patients, none"

# (file name, content, line, expected message)
BAD = [
    pytest.param("a.yaml", "", None, Msg.EMPTY_ANSWERS.value, id="empty"),
    pytest.param("a.yaml", "   \n# just a comment\n", None, Msg.EMPTY_ANSWERS.value, id="only-comment"),
    pytest.param("a.yaml", "- budget\n", 1, Msg.NOT_A_MAPPING.value, id="a-list"),
    pytest.param("a.yaml", "clinic: {name: X}\nanswers: {}\n", 1, Msg.NO_VERSION.value, id="no-version"),
    pytest.param("a.yaml", "version: 2\nclinic: {name: X}\n", 1, Msg.BAD_VERSION.format(version=quote(2)), id="future-version"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  budjet: none\n", 4,
                 Msg.UNKNOWN_QUESTION.format(question="budjet", hint=" (did you mean 'budget'?)"), id="unknown-question"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  space: big_room\n", 4,
                 Msg.UNKNOWN_OPTION.format(value="big_room", question="space", options=SPACE_OPTIONS), id="unknown-option"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  champions: patients\n", 4,
                 Msg.MULTI_GIVEN_SINGLE.format(question="champions", value="patients"), id="multi-as-single"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  space: [none]\n", 4,
                 Msg.SINGLE_GIVEN_LIST.format(question="space", options=SPACE_OPTIONS), id="single-as-list"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  champions: [patients, none]\n", 4,
                 Msg.MULTI_EXCLUSIVE.format(question="champions", option="none"), id="exclusive"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  champions: []\n", 4,
                 Msg.MULTI_EMPTY.format(question="champions", options=CHAMPION_OPTIONS), id="empty-multi"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  volunteer_service: true\n", 4,
                 Msg.OPTION_EXPECTED.format(question="volunteer_service", example="yes", got="true/false"), id="boolean"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  budget: none\n  space: [\n", 5,
                 "malformed YAML", id="malformed-yaml"),
    pytest.param("a.yaml", "version: 1\nclinic:\n  name: X\n  name: Y\n", 4, Msg.DUPLICATE_KEY.format(key="name"), id="duplicate-key"),
    pytest.param("a.yaml", "version: 1\nanswers: {}\n", 1,
                 Msg.MISSING_KEY.format(key="clinic", example='clinic: {name: "Riverside Clinic", organisation: "Riverside NHS Trust"}'), id="no-clinic"),
    pytest.param("a.yaml", "version: 1\nclinik: {name: X}\nclinic: {name: X}\n", 2,
                 Msg.UNKNOWN_KEY.format(key="clinik", hint=" (did you mean 'clinic'?)", allowed="version, questionnaire_version, assessed_on, respondent_role, respondent, clinic, answers"),
                 id="unknown-top-key"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nassessed_on: 23/11/2026\n", 3, Msg.BAD_DATE.format(key="assessed_on"), id="bad-date"),
    pytest.param("a.yaml", "version: 1\nclinic: {name: X}\nanswers:\n  space: {answer: none, notes: x}\n", 4,
                 Msg.ANSWER_MAPPING.format(question="space", key="notes"), id="bad-answer-mapping"),
    pytest.param("a.json", '{"version": 1, "clinic": {"name": "X"},\n "answers": {"space": "none",}}', 2,
                 "malformed JSON", id="malformed-json"),
    pytest.param("a.json", '{"version": 1,\n "clinic": {"name": "X"},\n "answers": {"champions": "patients"}}', 3,
                 Msg.MULTI_GIVEN_SINGLE.format(question="champions", value="patients"), id="json-multi-as-single"),
    pytest.param("a.yaml", b"version: 1\nclinic: {name: \"\xff\"}\n", 2, Msg.NOT_UTF8.value, id="not-utf8"),
]


@pytest.mark.parametrize(("name", "content", "line", "expected"), BAD)
def test_bad_answer_file(tmp_path: Path, runner: CliRunner, name: str, content: str | bytes, line: int | None, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    out = tmp_path / "plan.json"
    result = runner.invoke(cli, ["plan", str(path), "--format", "json", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not out.exists(), "nothing is written for bad input"
    assert list(tmp_path.iterdir()) == [path], "no temporary files left behind"
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, f"one line per problem:\n{result.output}"
    where = f"{path}:{line}" if line else str(path)
    assert lines[0].startswith(f"{where}: error: "), lines[0]
    assert expected in lines[0]


def test_missing_file(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["plan", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.output.strip() == f"{tmp_path / 'nope.yaml'}: error: {Msg.NOT_FOUND.value}"


def test_several_problems_all_reported(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("version: 1\nclinic: {name: X}\nanswers:\n  space: big\n  champions: patients\n")
    result = runner.invoke(cli, ["plan", str(path)])
    assert result.exit_code == 2
    assert f"{path}:4:" in result.output and f"{path}:5:" in result.output


def test_yes_and_no_stay_option_ids(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nclinic: {name: X}\nanswers:\n  volunteer_service: yes\n  community_work: no\n")
    assert af.answers["volunteer_service"].value == "yes"
    assert af.answers["community_work"].value == "no"


def test_notes_and_metadata_are_kept(q: Questionnaire) -> None:
    af = answers(q, GOOD + "  space: {answer: none, note: \"Estates review\"}\nassessed_on: 2026-11-01\nrespondent_role: Nurse\n")
    assert af.answers["space"].note == "Estates review"
    assert af.assessed_on == "2026-11-01"
    assert af.respondent_role == "Nurse"


def test_multi_answers_are_kept_in_questionnaire_order(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nclinic: {name: X}\nanswers:\n  champions: [patients, clinical_staff]\n")
    assert af.answers["champions"].value == ["clinical_staff", "patients"]


def test_skipped_answer_is_a_warning_and_ignored(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(GOOD + "  info_access: none\n  note_taking: peer_log\n")
    result = runner.invoke(cli, ["plan", str(path), "--format", "json"])
    assert result.exit_code == 0
    expected = Msg.SKIPPED_ANSWER.format(question="note_taking", why="because of the answer to 'info_access'")
    assert f"{path}:7: warning: {expected}" in result.stderr
    assert '"ignored": [\n    "note_taking"\n  ]' in result.stdout


def test_strict_rejects_skipped_and_missing(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(GOOD + "  info_access: none\n  note_taking: peer_log\n")
    result = runner.invoke(cli, ["plan", str(path), "--strict"])
    assert result.exit_code == 2
    assert f"{path}:7: error: " in result.output
    assert any(Msg.MISSING_ANSWER.format(question=q) in result.output for q in ("budget", "partner_org", "space"))
    assert result.output.rstrip().splitlines()[-1].startswith("... and "), "at most 20 problems are printed, then a count"
