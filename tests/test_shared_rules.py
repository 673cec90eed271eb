"""One rule, one place: the honorary-contract rule lives once in questionnaire.yaml (shared_rules) and drives the
question's hint, the plan's template list and action, the templates and (quoted word for word) the guidance."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg
from builder.core.schema import Questionnaire
from builder.load.project import ROOT, Project
from builder.render.documents import render_template

from .conftest import answers, edit, line_of
from .test_template_claims import text_of

RULE = "honorary_contract"
BASE = "version: 1\nclinic: {name: X, organisation: X Trust}\nanswers:\n  policies_in_place: [none]\n"


def test_the_rule_is_stated_once_and_used_where_it_applies(q: Questionnaire) -> None:
    rule = q.meta.shared_rules[RULE]
    info = q.question("info_access")
    assert info is not None and rule.says in info.help
    action = next(a for d in q.domains for a in d.actions if a.id == "honorary_contracts")
    assert action.when == rule.when and rule.says in action.detail
    listing = [t for t in q.meta.templates.rules if t.template == "honorary_contract"]
    assert [t.when for t in listing] == [rule.when] and rule.says in listing[0].reason
    raw = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "questionnaire").glob("*.yaml"))
    assert raw.count("{holds: honorary_contract}") == 2 and raw.count("{rule:honorary_contract}") == 3, "used by name, not copied"


@pytest.mark.parametrize("page", ["domains/roles.md", "domains/information.md"])
def test_the_guidance_quotes_the_rule_word_for_word(q: Questionnaire, page: str) -> None:
    assert q.meta.shared_rules[RULE].says in (ROOT / "guidance" / page).read_text(encoding="utf-8")


# (answers, whether the rule holds)
CASES = [
    pytest.param("  employment_model: partner_employed\n  info_access: none\n", True, id="partner-employed"),
    pytest.param("  employment_model: volunteer\n  peer_recruitment: partner_volunteers\n  info_access: none\n", True, id="placed-by-a-partner"),
    pytest.param("  employment_model: not_decided\n  info_access: full_notes\n", True, id="undecided-with-notes"),
    pytest.param("  employment_model: volunteer\n  info_access: limited\n  note_taking: clinic_record\n", True, id="volunteer-writing-in-the-record"),
    pytest.param("  employment_model: volunteer\n  info_access: full_notes\n", True, id="volunteer-with-notes"),
    pytest.param("  employment_model: paid_band\n  info_access: full_notes\n  peer_recruitment: clinic_patients\n", False, id="own-paid-staff"),
    pytest.param("  employment_model: volunteer\n  info_access: limited\n  note_taking: peer_log\n  peer_recruitment: clinic_patients\n", False, id="own-volunteer-no-records"),
    pytest.param("  employment_model: sessional\n  peer_recruitment: partner_volunteers\n", False, id="own-sessional-staff"),
]


@pytest.mark.parametrize(("extra", "holds"), CASES)
def test_plan_templates_and_actions_follow_the_one_rule(q: Questionnaire, extra: str, holds: bool) -> None:
    plan = evaluate_plan(q, answers(q, BASE + extra))
    assert ("honorary_contract" in plan["templates"]) == holds
    assert any(a["id"] == "honorary_contracts" for a in plan["actions"]) == holds
    role = text_of(render_template(q, ROOT / "templates", "role_description", plan))
    assert ("An honorary contract, because the honorary-contract rule applies" in role) == holds
    if holds:
        contract = text_of(render_template(q, ROOT / "templates", "honorary_contract", plan))
        assert "Your answers meet this rule." in contract and q.meta.shared_rules[RULE].says in contract


def test_an_unknown_shared_rule_fails_check_with_its_line(project: Project, runner: CliRunner) -> None:
    path = project.questionnaire_dir / "information.yaml"
    edit(path, "when: {holds: honorary_contract}", "when: {holds: honorary_contracts}")
    edit(path, "detail: \"{rule:honorary_contract}", "detail: \"{rule:honorary}")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    out = result.output
    holds = Msg.SHARED_RULE.format(where="holds", rule="honorary_contracts", hint=" (did you mean 'honorary_contract'?)")
    text = Msg.SHARED_RULE.format(where="text", rule="honorary", hint=" (did you mean 'honorary_contract'?)")
    assert f"questionnaire/information.yaml:{line_of(path, 'holds: honorary_contracts')}: error: {holds}" in out, out
    assert f"questionnaire/information.yaml:{line_of(path, '{rule:honorary}')}: error: {text}" in out, out


def test_a_template_reading_an_unknown_shared_rule_fails_check(project: Project, runner: CliRunner) -> None:
    path = project.templates_dir / "policies" / "role_description.html.j2"
    edit(path, "rules.honorary_contract", "rules.honorary")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    expected = Msg.TEMPLATE_RULE.format(rule="honorary", hint=" (did you mean 'honorary_contract'?)")
    assert f"templates/policies/role_description.html.j2:{line_of(path, 'rules.honorary')}: error: {expected}" in result.output, result.output
