"""`readiness assess`: follows the branching, goes back, shows progress, saves after every answer."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.schema import Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT


def test_new_assessment_saves_after_every_answer_and_follows_routing(tmp_path: Path, runner: CliRunner, q: Questionnaire) -> None:
    out = tmp_path / "answers.yaml"
    # clinic, organisation, role; nation=1, kind of service=1, under-18s=2; budget=3 (none);
    # partner_org=3 (none) -> partner follow-ups skipped; regional_network=1; then quit.
    keys = "\n".join(["Test Clinic", "Test Trust", "Nurse", "1", "1", "2", "3", "3", "1", "q"]) + "\n"
    result = runner.invoke(cli, ["assess", "-o", str(out)], input=keys)
    assert result.exit_code == 0, result.output
    assert "[1/" in result.output and "Budget for a role" in result.output
    assert "Partner's name" not in result.output, "no partner: the partnership questions are skipped"
    af, _ = load_answers(out, q)
    assert af.clinic_name == "Test Clinic" and af.organisation == "Test Trust"
    assert af.answers["nation"].value == "england" and af.answers["under_18s"].value == "no"
    assert af.answers["budget"].value == "none"
    assert af.answers["partner_org"].value == "none"
    assert af.answers["regional_network"].value == "existing"
    assert "readiness assess --resume" in result.output


def test_back_changes_an_answer_and_reveals_follow_ups(tmp_path: Path, runner: CliRunner, q: Questionnaire) -> None:
    out = tmp_path / "answers.yaml"
    # nation, kind, under-18s; budget=1, partner_org=3 (none), back, partner_org=1 (HIV org) -> partner's name is asked next.
    keys = "\n".join(["Clinic", "", "", "1", "1", "2", "1", "3", "b", "1", "Positive Voices", "q"]) + "\n"
    result = runner.invoke(cli, ["assess", "-o", str(out)], input=keys)
    assert result.exit_code == 0, result.output
    af, _ = load_answers(out, q)
    assert af.answers["partner_org"].value == "hiv_peer_org"
    assert af.answers["partner_name"].value == "Positive Voices"


def test_resume_starts_at_the_first_unanswered_question(tmp_path: Path, runner: CliRunner, q: Questionnaire) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text((ROOT / "examples" / "harbour-in-progress.yaml").read_text())
    # Harbour was answered against 1.0.0: the first unanswered question is now the nation, asked first.
    result = runner.invoke(cli, ["assess", "--resume", str(answers)], input="3\nq\n")
    assert result.exit_code == 0, result.output
    first = result.output.split("\n>")[0]
    assert "Nation" in first and "Budget for a role" not in first
    af, _ = load_answers(answers, q)
    assert af.answers["nation"].value == "scotland"
    assert "peer_contact" not in af.answers, "only the question answered is saved"
    assert af.answers["budget"].note == "Bid to the Trust charity due in January.", "notes survive a resumed session"


def test_notes_invalid_replies_and_multi_choice(tmp_path: Path, runner: CliRunner, q: Questionnaire) -> None:
    out = tmp_path / "answers.yaml"
    answers = tmp_path / "start.yaml"
    answers.write_text("version: 1\nclinic: {name: X}\nanswers:\n  nation: wales\n  service_kind: hiv\n  under_18s: \"no\"\n  budget: none\n  partner_org: none\n  regional_network: none\n  peer_contact: talked\n")
    # champions: a bad reply, then a note, then two choices.
    keys = "\n".join(["9", "n", "Asked at the team meeting", "1,3", "q"]) + "\n"
    result = runner.invoke(cli, ["assess", "--resume", str(answers), "-o", str(out)], input=keys)
    assert result.exit_code == 0, result.output
    assert "That is not one of the choices" in result.output
    af, _ = load_answers(out, q)
    assert af.answers["champions"].value == ["clinical_staff", "patients"]
    assert af.answers["champions"].note == "Asked at the team meeting"


def test_a_bad_resume_file_is_a_clear_error(tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 3\n")
    result = runner.invoke(cli, ["assess", "--resume", str(bad)], input="q\n")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "version 3 is not supported" in result.output


def test_a_typed_control_character_is_asked_again_so_the_file_saved_always_reads(tmp_path: Path, runner: CliRunner, q: Questionnaire) -> None:
    out = tmp_path / "answers.yaml"
    keys = "\n".join(["Bad\x1b[2JClinic", "Good Clinic", "Trust\u202e", "Trust", "", "q"]) + "\n"
    result = runner.invoke(cli, ["assess", "-o", str(out)], input=keys)
    assert result.exit_code == 0, result.output
    assert result.output.count("control or invisible character") == 2
    af, _ = load_answers(out, q)
    assert af.clinic_name == "Good Clinic" and af.organisation == "Trust"
