"""`readiness check` verifies every id the templates and templates/bindings.yaml read, with file and line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.errors import Msg
from builder.load.project import Project

from .conftest import edit, line_of

# (file under templates/, old text, new text, needle on the reported line, expected message)
BROKEN = [
    pytest.param("policies/boundaries.html.j2", 'answers.get("community_work")', 'answers.get("community_wrok")', 'answers.get("community_wrok")',
                 Msg.TEMPLATE_QUESTION.format(question="community_wrok", hint=" (did you mean 'community_work'?)"), id="template-unknown-question"),
    pytest.param("policies/ending_support.html.j2", '{%- set access = answers.get("info_access") -%}', '{%- set access = answers.get("info_access") -%}{% if access == "full_record" %}{% endif %}',
                 '{% if access == "full_record" %}',
                 Msg.TEMPLATE_OPTION.format(option="full_record", question="info_access", hint="", options="none, limited, full_notes"),
                 id="template-unknown-option-via-alias"),
    pytest.param("policies/partnership_agreement.html.j2", 'route == "hub_and_spoke"', 'route == "hub_spoke"', 'route == "hub_spoke"',
                 Msg.REF_ROUTE.format(where="the template", route="hub_spoke", hint=" (did you mean 'hub_and_spoke'?)", options="in_house, partnership, hub_and_spoke"),
                 id="template-unknown-route"),
    pytest.param("policies/work_log.html.j2", "<h2>", "{% if %}<h2>", "{% if %}<h2>", "template syntax error: Expected an expression", id="template-syntax"),
    pytest.param("bindings.yaml", "  question: partner_org", "  question: partner_orgs", "question: partner_orgs",
                 Msg.REF_QUESTION.format(where="bindings", question="partner_orgs", hint=" (did you mean 'partner_org'?)"), id="binding-unknown-question"),
    pytest.param("bindings.yaml", "    volunteer: volunteer_agreement", "    volunteer: volunteers_agreement", "volunteer: volunteers_agreement",
                 Msg.REF_TEMPLATE.format(where="bindings", template="volunteers_agreement", hint=" (did you mean 'volunteer_agreement'?)"),
                 id="binding-unknown-template"),
    pytest.param("bindings.yaml", "phrases: {admin_team:", "phrases: {admin:", "phrases: {admin:",
                 "bindings: 'admin' is not an option of 'booking'", id="binding-unknown-option"),
    pytest.param("bindings.yaml", "{booker} books", "{booked} books", "{booked} books",
                 "bindings: unknown field '{booked}' (did you mean 'booker'?)", id="binding-unknown-field"),
    pytest.param("bindings.yaml", "name_question: partner_name", "name_question: partner_org", "name_question: partner_org",
                 Msg.BINDING_TYPE.format(question="partner_org", qtype="single", expected="text"), id="binding-wrong-type"),
]


@pytest.mark.parametrize(("file", "old", "new", "needle", "expected"), BROKEN)
def test_broken_template_or_binding_fails_with_file_and_line(project: Project, runner: CliRunner, file: str, old: str, new: str,
                                                             needle: str, expected: str) -> None:
    path = project.templates_dir / file
    edit(path, old, new)
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = line_of(path, needle)
    assert any(ln.startswith(f"templates/{file}:{line}: error: ") and expected in ln for ln in result.output.splitlines()), \
        f"expected templates/{file}:{line}: ... {expected!r} in:\n{result.output}"


def test_renaming_a_question_a_template_reads_fails_check(project: Project, runner: CliRunner) -> None:
    """The issue's case: rename community_work in the questionnaire only, and every template reading it is named."""
    for path in project.questionnaire_dir.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("community_work", "community_outreach"), encoding="utf-8")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    flagged = {ln.split(":")[0] for ln in result.output.splitlines() if "'community_work', which is not a question" in ln}
    readers = {f"templates/{p.relative_to(project.templates_dir)}" for p in project.templates_dir.rglob("*.j2")
               if 'answers.get("community_work")' in p.read_text(encoding="utf-8")}
    assert readers and flagged == readers, result.output


def test_no_bindings_file_means_no_tailoring_not_an_error(project: Project, runner: CliRunner) -> None:
    (project.templates_dir / "bindings.yaml").unlink()
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 0, result.output


def test_review_renders_no_policy_template_so_a_broken_one_stops_plan_but_not_review(project: Project, runner: CliRunner,
                                                                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    """`readiness review` leaves the policy templates' reads unchecked (it renders none, and reading them is a third
    of its start-up); every command that renders one still refuses the broken template, and bindings.yaml, which the
    review does read, is checked for every command."""
    from builder.load.paths import ROOT

    out = tmp_path_factory.mktemp("out")
    example = str(ROOT / "examples" / "riverside.yaml")
    edit(project.templates_dir / "policies/boundaries.html.j2", 'answers.get("community_work")', 'answers.get("community_wrok")')
    planned = runner.invoke(cli, ["plan", "--root", str(project.root), example, "-o", str(out / "plan.html")])
    assert planned.exit_code == 1 and "community_wrok" in planned.output, planned.output
    reviewed = runner.invoke(cli, ["review", "--root", str(project.root), example, "-o", str(out / "review"), "--no-pdf"])
    assert reviewed.exit_code == 0, reviewed.output
    assert (out / "review" / "review.json").is_file()

    edit(project.templates_dir / "bindings.yaml", "  question: partner_org", "  question: partner_orgs")
    again = runner.invoke(cli, ["review", "--root", str(project.root), example, "-o", str(out / "again"), "--no-pdf"])
    assert again.exit_code == 1 and "partner_orgs" in again.output, again.output
    assert not (out / "again").exists()
