"""One rule, one place: the honorary-contract rule lives once in questionnaire.yaml (shared_rules) and drives the
question's hint, the plan's template list and action, the templates and (quoted word for word) the guidance."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from builder.checks.questionnaire import witness
from builder.cli.main import cli
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg
from builder.core.schema import All, AnyOf, Condition, Not, Questionnaire
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
    status = q.question("honorary_contract_status")
    assert status is not None and status.ask_if is not None and rule.says in status.help
    assert witness(q, All(all=[rule.when, Not(**{"not": status.ask_if})])) is None, "asked wherever the rule can hold"
    action = next(a for d in q.domains for a in d.actions if a.id == "honorary_contracts")
    assert isinstance(action.when, All) and action.when.all[0] == rule.when and rule.says in action.detail
    listing = [t for t in q.meta.templates.rules if t.template == "honorary_contract"]
    assert [t.when for t in listing] == [rule.when] and rule.says in listing[0].reason
    hazard = next(h for h in q.hazards.hazards if h.id == "information_governance") if q.hazards else None
    assert hazard is not None and "honorary_contracts" in hazard.controls.actions
    assert rule.when in _nodes(hazard.cause), "the hazard's cause uses the rule"
    raw = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "questionnaire").glob("*.yaml"))
    assert raw.count("{holds: honorary_contract}") == 5 and raw.count("{rule:honorary_contract}") == 4, "used by name, not copied"


def _nodes(cond: Condition) -> list[Condition]:
    """`cond` and every condition inside it."""
    inner: list[Condition] = list(cond.all) if isinstance(cond, All) else list(cond.any_) if isinstance(cond, AnyOf) \
        else [cond.not_] if isinstance(cond, Not) else []
    return [cond, *(n for c in inner for n in _nodes(c))]


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
    unasked = evaluate_plan(q, answers(q, BASE + extra))
    if holds:
        assert any(a["id"] == "find_out_honorary_contract_status" and a["must"] for a in unasked["actions"]), "asked wherever the rule holds"
    plan = evaluate_plan(q, answers(q, BASE + extra + ("  honorary_contract_status: not_yet\n" if holds else "")))
    assert ("honorary_contract" in plan["templates"]) == holds
    assert any(a["id"] == "honorary_contracts" for a in plan["actions"]) == holds
    role = text_of(render_template(q, ROOT / "templates", "role_description", plan))
    assert ("An honorary contract, because the honorary-contract rule applies" in role) == holds
    if holds:
        contract = text_of(render_template(q, ROOT / "templates", "honorary_contract", plan))
        assert "Your answers meet this rule." in contract and q.meta.shared_rules[RULE].says in contract


def test_an_unknown_shared_rule_fails_check_with_its_line(project: Project, runner: CliRunner) -> None:
    path = project.questionnaire_dir / "information.yaml"
    edit(path, "        - {holds: honorary_contract}", "        - {holds: honorary_contracts}")
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
    edit(path, "{% block content %}", "{% block content %}\n{% if rules.honorary %}{% endif %}")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    expected = Msg.TEMPLATE_RULE.format(rule="honorary", hint=" (did you mean 'honorary_contract'?)")
    assert f"templates/policies/role_description.html.j2:{line_of(path, 'rules.honorary')}: error: {expected}" in result.output, result.output
