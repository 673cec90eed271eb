"""`readiness check`: the shipped questionnaire passes; broken copies fail with file:line errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.errors import Msg
from builder.load.project import Project

from .conftest import edit, line_of


def test_shipped_questionnaire_passes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "ok: " in result.output and "questions in 11 domains" in result.output
    # --strict fails while figures.yaml holds figures whose date is not confirmed, and on nothing else
    # (tests/test_costs.py: with every figure dated, --strict passes).
    strict = runner.invoke(cli, ["check", "--strict"])
    warnings = [ln for ln in strict.output.splitlines() if ": warning: " in ln or ": error: " in ln]
    assert all("the date it took effect is not confirmed" in ln for ln in warnings), warnings
    assert strict.exit_code == (1 if warnings else 0)


# (file, old text, new text, needle whose line the error must name, expected message fragment)
BROKEN = [
    pytest.param("space.yaml", "ask_if: {not: {equals: [space, none]}}", "ask_if: {not: {equals: [space, nones]}}",
                 "ask_if: {not: {equals: [space, nones]}}",
                 "question 'space_times': ask_if: 'nones' is not an option of 'space' (did you mean 'none'?); options are: dedicated_room, shared_room, none",
                 id="unknown-option"),
    pytest.param("space.yaml", "ask_if: {equals: [space, shared_room]}", "ask_if: {equals: [spaces, shared_room]}",
                 "ask_if: {equals: [spaces, shared_room]}",
                 "question 'space_private': ask_if: unknown question 'spaces' (did you mean 'space'?)", id="unknown-question"),
    pytest.param("space.yaml", "  - id: space_times\n", "  - id: space_private\n", "LAST:  - id: space_private",
                 "duplicate question id 'space_private'", id="duplicate-id"),
    pytest.param("space.yaml", "ask_if: {equals: [space, shared_room]}", "ask_if: {equals: [equipment, \"yes\"]}",
                 "ask_if: {equals: [equipment, \"yes\"]}",
                 "question 'space_private': ask_if: refers to 'equipment', which comes later in the questionnaire", id="forward-ref"),
    pytest.param("space.yaml", "ask_if: {equals: [space, shared_room]}",
                 "ask_if: {all: [{equals: [space, shared_room]}, {equals: [space, dedicated_room]}]}",
                 "ask_if: {all: [{equals: [space, shared_room]}, {equals: [space, dedicated_room]}]}",
                 "question 'space_private' can never be asked; its ask_if can never hold", id="unreachable"),
    pytest.param("space.yaml", "when: {equals: [space, none]}\n    title: \"Find a room",
                 "when: {all: [{equals: [space, none]}, {equals: [space_times, varied]}]}\n    title: \"Find a room",
                 "when: {all: [{equals: [space, none]}, {equals: [space_times, varied]}]}",
                 "action 'find_room': this rule can never fire; its condition can never hold", id="never-fires"),
    pytest.param("space.yaml", "guidance: \"domains/space.md#space-times\"", "guidance: \"domains/space.md#space-time\"",
                 "guidance: \"domains/space.md#space-time\"",
                 "question 'space_times': guidance page 'domains/space.md' has no section '#space-time' (did you mean 'space-times'?)",
                 id="bad-anchor"),
    pytest.param("space.yaml", "guidance: \"domains/space.md#equipment\"", "guidance: \"domains/spaces.md#equipment\"",
                 "guidance: \"domains/spaces.md#equipment\"",
                 "question 'equipment': guidance page 'domains/spaces.md' does not exist under guidance/ (did you mean 'domains/space.md'?)",
                 id="bad-page"),
    pytest.param("space.yaml", "    help: \"Patients need to be able", "    helpp: \"Patients need to be able",
                 "    helpp: \"Patients need to be able",
                 "question 'space_private': unknown key 'helpp' (did you mean 'help'?)", id="unknown-key"),
    pytest.param("space.yaml", "  - id: equipment\n    type: single", "  - id: equipment\n    type: singel",
                 "type: singel", "question 'equipment': type: input should be 'single', 'multi' or 'text'", id="bad-type"),
    pytest.param("space.yaml", "{id: varied, label: \"Yes, on several days and times\"}", "{id: varied, label: true}",
                 "{id: varied, label: true}", "option 'varied': label: expected text, got true/false; put the value in quotes", id="label-not-string"),
    pytest.param("space.yaml", "      - {id: some, label: \"Some of these\", points: 1}", "      - {id: some, label: \"Some of these\"}",
                 "- {id: some, label: \"Some of these\"}", "option 'some' has no points while others do", id="points-missing"),
    pytest.param("space.yaml", "{id: varied, label: \"Yes, on several days and times\"}",
                 "{id: varied, label: \"Yes, on several days and times\", points: 2}",
                 "ask_if: {not: {equals: [space, none]}}", "a follow-up with points needs 'points_when_skipped'", id="points-on-follow-up"),
    pytest.param("space.yaml", "phase: prepare\n    owner: \"Clinic manager\"\n    when: {equals: [space, none]}",
                 "phase: preprae\n    owner: \"Clinic manager\"\n    when: {equals: [space, none]}", "phase: preprae",
                 "action 'find_room': unknown phase 'preprae' (did you mean 'prepare'?)", id="unknown-phase"),
    pytest.param("space.yaml", "when: {equals: [space, none]}\n    cap: red", "when: {includes: [space, none]}\n    cap: red",
                 "when: {includes: [space, none]}", "gate 'no_space': 'includes' cannot be used with single question 'space'; use equals or in",
                 id="wrong-operator"),
    pytest.param("space.yaml", "when: {equals: [space, none]}\n    cap: red", "when: {equal: [space, none]}\n    cap: red",
                 "when: {equal: [space, none]}", "a condition is a mapping with exactly one operator", id="unknown-operator"),
    pytest.param("space.yaml", "when: {equals: [space, none]}\n    cap: red", "when: {route: in_house}\n    cap: red",
                 "when: {route: in_house}", "gate 'no_space': 'route' can only be used in actions and template rules", id="route-in-gate"),
    # The hazard log: every control real, every hazard controlled, the checklist nowhere else.
    pytest.param("hazards.yaml", "      actions: [seek_approval]", "      actions: [seek_aproval]", "actions: [seek_aproval]",
                 "hazard 'unapproved_service': unknown action 'seek_aproval' (did you mean 'seek_approval'?)", id="hazard-action"),
    pytest.param("hazards.yaml", "      templates: [lone_working]", "      templates: [lone_workin]", "templates: [lone_workin]",
                 "hazard 'lone_working': unknown template 'lone_workin' (did you mean 'lone_working'?)", id="hazard-template"),
    pytest.param("hazards.yaml", "    cause: {not: {equals: [indemnity, confirmed]}}", "    cause: {not: {equals: [indemnity, confirmd]}}",
                 "cause: {not: {equals: [indemnity, confirmd]}}", "hazard 'no_indemnity': cause: 'confirmd' is not an option of 'indemnity'",
                 id="hazard-option"),
    pytest.param("hazards.yaml", "    cause: {not: {equals: [indemnity, confirmed]}}", "    cause: {not: {equals: [indemnityy, confirmed]}}",
                 "cause: {not: {equals: [indemnityy, confirmed]}}", "hazard 'no_indemnity': cause: unknown question 'indemnityy' (did you mean 'indemnity'?)",
                 id="hazard-question"),
    pytest.param("hazards.yaml", "      actions: [confirm_indemnity]", "      actions: []", "actions: []",
                 "hazard 'no_indemnity': controls.actions: list should have at least 1 item", id="hazard-without-control"),
    pytest.param("hazards.yaml", "      actions: [confirm_indemnity]", "      actions: [supervise_regularly]", "actions: [supervise_regularly]",
                 "hazard 'no_indemnity': action 'supervise_regularly' is in phase 'launch', which is not before 'launch'", id="hazard-action-too-late"),
    pytest.param("hazards.yaml", "    cause: {not: {equals: [indemnity, confirmed]}}", "    cause: {equals: [indemnity, confirmed]}",
                 "      actions: [confirm_indemnity]", "hazard 'no_indemnity': while its cause holds, no action it names can be in the plan",
                 id="hazard-nothing-lifts"),
    pytest.param("questionnaire.yaml", "sources:\n  clinics:", "go_live:\n  - {id: extra, title: x, met: {equals: [budget, none]}, reason: x, action: seek_approval}\nsources:\n  clinics:",
                 "go_live:", "go-live item written in questionnaire.yaml has no hazard", id="go-live-without-hazard"),
    pytest.param("space.yaml", "{id: dedicated, when: {equals: [space, dedicated_room]}", "{id: dedicated, when: {equals: [space, dedicated_rom]}",
                 "{id: dedicated, when: {equals: [space, dedicated_rom]}", "finding 'dedicated': 'dedicated_rom' is not an option of 'space'",
                 id="finding-option"),
    pytest.param("roles.yaml", "standards: [hiv_peer_standards, hee_psw, nhse_volunteers]", "standards: [hiv_peer_standard, hee_psw, nhse_volunteers]",
                 "standards: [hiv_peer_standard, hee_psw, nhse_volunteers]",
                 "action 'write_role_description': unknown standard 'hiv_peer_standard' (did you mean 'hiv_peer_standards'?)", id="unknown-standard"),
    pytest.param("questionnaire.yaml", "- {template: recruitment,", "- {template: recruitmen,", "- {template: recruitmen,",
                 "unknown template 'recruitmen' (did you mean 'recruitment'?)", id="unknown-template"),
    pytest.param("questionnaire.yaml", "    - {role: educator, points: 3,", "    - {role: educater, points: 3,", "role: educater",
                 "unknown role 'educater' (did you mean 'educator'?)", id="unknown-role"),
    pytest.param("space.yaml", "  - id: space\n    type: single\n", "  - id: space\n    type: multi\n", "type: multi",
                 "public question 'space' must be a single question", id="contract-type"),
    pytest.param("champions.yaml", "      - {id: managers, label: \"Managers\", points: 1}\n", "", "    options:",
                 "public option 'managers' of 'champions' is missing", id="contract-option"),
    pytest.param("space.yaml", "    options:\n      - {id: dedicated_room", "    options:\n    - {id: dedicated_room", "- {id: shared_room",
                 "malformed YAML", id="yaml-syntax"),
]


@pytest.mark.parametrize(("file", "old", "new", "needle", "expected"), BROKEN)
def test_broken_copy_fails_with_file_and_line(project: Project, runner: CliRunner, file: str, old: str, new: str, needle: str, expected: str) -> None:
    path = project.questionnaire_dir / file
    edit(path, old, new)
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = line_of(path, needle.removeprefix("LAST:"), last=needle.startswith("LAST:"))
    matching = [ln for ln in result.output.splitlines() if expected in ln]
    assert matching, f"expected {expected!r} in:\n{result.output}"
    assert any(ln.startswith(f"questionnaire/{file}:") for ln in matching), result.output
    if file != "questionnaire.yaml" or "template" not in expected:
        assert any(ln.startswith(f"questionnaire/{file}:{line}:") for ln in matching), f"line {line} expected:\n{result.output}"


def test_missing_template_file(project: Project, runner: CliRunner) -> None:
    (project.templates_dir / "policies" / "work_log.html.j2").unlink()
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    line = line_of(project.templates_dir / "catalog.yaml", "id: \"work_log\"") if "id: \"work_log\"" in (project.templates_dir / "catalog.yaml").read_text() else None
    expected = Msg.REF_TEMPLATE_FILE.format(template="work_log", file="templates/policies/work_log.html.j2")
    assert expected in result.output
    if line:
        assert f"templates/catalog.yaml:{line}:" in result.output


def test_missing_domain_file(project: Project, runner: CliRunner) -> None:
    (project.questionnaire_dir / "booking.yaml").unlink()
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    assert Msg.UNKNOWN_DOMAIN_FILE.format(domain="booking", file="questionnaire/booking.yaml") in result.output


def test_every_error_reported_at_once(project: Project, runner: CliRunner) -> None:
    edit(project.questionnaire_dir / "space.yaml", "{equals: [space, shared_room]}", "{equals: [space, shared_rooms]}")
    edit(project.questionnaire_dir / "booking.yaml", "{not: {equals: [booking, none]}}", "{not: {equals: [bookings, none]}}")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    assert "shared_rooms" in result.output and "bookings" in result.output
    assert "2 errors found." in result.output


def test_routing_cycle(project: Project, runner: CliRunner) -> None:
    path = project.questionnaire_dir / "space.yaml"
    edit(path, "ask_if: {not: {equals: [space, none]}}", "ask_if: {not: {equals: [space_private, \"no\"]}}")
    edit(path, "ask_if: {equals: [space, shared_room]}", "ask_if: {equals: [space_times, varied]}")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    line = line_of(path, "ask_if: {not: {equals: [space_private")
    assert f"questionnaire/space.yaml:{line}: error: question 'space_times': ask_if: routing cycle space_times -> space_private -> space_times" in result.output


def test_public_ids_are_documented(q) -> None:  # type: ignore[no-untyped-def]
    """questionnaire/README.md documents every question and option id answer files may use."""
    from builder.load.project import ROOT

    readme = (ROOT / "questionnaire" / "README.md").read_text(encoding="utf-8")
    for qu in q.questions:
        row = next((ln for ln in readme.splitlines() if ln.startswith(f"| `{qu.id}`")), None)
        assert row is not None, f"{qu.id} is not documented in questionnaire/README.md"
        for o in qu.options:
            assert f"`{o.id}`" in row, f"{qu.id}: option {o.id} is not documented"


def test_every_row_of_the_reference_table_is_alive_and_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each row of checks.questionnaire.REFERENCES reads real ids in the shipped questionnaire, and the one loop that
    applies the table reports every id a row names, at its own line, once its valid ids are taken away."""
    from dataclasses import replace

    from builder.checks import questionnaire as checks
    from builder.load.project import load_unchecked

    loaded = load_unchecked(Project())
    q, sources = loaded.questionnaire, loaded.sources
    ctx = checks.Context(q, sources, Project())
    assert not checks._references(ctx)
    for i, row in enumerate(checks.REFERENCES):
        named = list(row.named(q, sources))
        assert named, f"row {i} ({row.field}) names nothing in the shipped questionnaire"
        assert all(ident in row.valid(q) for *_, ident in named)
        monkeypatch.setattr(checks, "REFERENCES", (replace(row, valid=lambda q: []),))
        problems = checks._references(ctx)
        assert [(p.file, p.line) for p in problems] == [(src.file, src.line(path)) for src, path, _, _ in named]
        assert all(f"'{ident}'" in p.message and p.message.startswith(where) for p, (_, _, where, ident) in zip(problems, named))
        monkeypatch.undo()
