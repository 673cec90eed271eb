"""Templates claim nothing the answers don't support: every sentence that states a fact about the clinic or the
peer's terms is declared in templates/catalog.yaml with its condition, and appears only while that condition holds.

Tested the way explanations are (tests/explanations.py): Hypothesis generates answer sets, every template the plan
lists is rendered, and each declared claim's words must be absent unless its condition holds, re-evaluated here on
the answers the plan was made from.
"""

from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.cli.main import cli
from builder.core.answers import AnswerFile
from builder.core.conditions import evaluate
from builder.core.engine import evaluate_plan, walk
from builder.core.errors import Msg
from builder.core.schema import Questionnaire
from builder.load.project import ROOT, Project
from builder.render.documents import render_template

from .conftest import answers, edit, line_of
from .test_engine import answer_sets

TEMPLATES = ROOT / "templates"


def text_of(rendered: str) -> str:
    """The document's words: tags dropped, entities decoded, white space squashed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", rendered)).split())


def stated(rendered: str) -> str:
    """The words the document states: without the alternatives a reader is asked to choose from (the sections a
    template shows, one per option, while an answer is unknown), which are a fill-in, not a claim."""
    return text_of(re.sub(r'<section class="option">.*?</section>', " ", rendered, flags=re.S))


def claim_problems(q: Questionnaire, af: AnswerFile) -> list[str]:
    plan = evaluate_plan(q, af)
    _, values = walk(q, af)
    by_id = {t.id: t for t in q.templates}
    out: list[str] = []
    for tid in plan["templates"]:
        words = stated(render_template(q, TEMPLATES, tid, plan))
        for c in by_id[tid].claims:
            if " ".join(c.text.split()) in words and evaluate(c.when, values, plan["route"], plan["roles"]) is not True:
                out.append(f"{tid}: states {c.text!r} while its condition does not hold")
    return out


@pytest.fixture(scope="module")
def qs(q: Questionnaire) -> Questionnaire:
    return q


def test_some_templates_declare_claims(q: Questionnaire) -> None:
    assert sum(len(t.claims) for t in q.templates) >= 60


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_template_states_a_claim_its_answers_do_not_support(qs: Questionnaire, data: st.DataObject) -> None:
    af = AnswerFile("Clinic", organisation="Trust", answers=data.draw(answer_sets(qs)))
    assert claim_problems(qs, af) == []


def test_blank_templates_state_no_claim(q: Questionnaire) -> None:
    for t in q.templates:
        words = stated(render_template(q, TEMPLATES, t.id, None))
        assert not [c.id for c in t.claims if " ".join(c.text.split()) in words], t.id


BASE = ("version: 1\nclinic: {name: Riverside, organisation: Riverside NHS Trust}\nanswers:\n"
        "  info_access: full_notes\n  policies_in_place: [none]\n")

# The offenders: (answers, template, words that must not appear, words that must appear instead)
OFFENDERS = [
    pytest.param("  indemnity: not_yet\n  employment_model: volunteer\n", "volunteer_agreement",
                 "insurance covers you", "How peers are insured or indemnified", id="insurance-when-indemnity-not-yet"),
    pytest.param("  supervision: in_clinic\n  supervisor_time: when_possible\n  employment_model: volunteer\n", "volunteer_agreement",
                 "not squeezed out", "when supervision happens and how its time is kept free", id="supervision-when-possible"),
    pytest.param("  employment_model: partner_employed\n  partner_org: hiv_peer_org\n", "volunteer_agreement",
                 "You are not paid for your time", "Whether the peer is paid for their time, and by whom", id="partner-employed-pay"),
    pytest.param("  peer_recruitment: partner_volunteers\n", "recruitment",
                 "Most peers will be patients of the clinic", "keeps their care exactly as before", id="peers-from-a-partner"),
    pytest.param("  supervision: in_clinic\n  supervisor_time: not_yet\n", "role_description",
                 "in time set aside for it", "when supervision happens", id="role-supervision-not-protected"),
]


@pytest.mark.parametrize(("extra", "tid", "absent", "present"), OFFENDERS)
def test_the_known_offenders_now_ask_instead_of_claiming(q: Questionnaire, extra: str, tid: str, absent: str, present: str) -> None:
    plan = evaluate_plan(q, answers(q, BASE + extra))
    words = text_of(render_template(q, TEMPLATES, tid, plan))
    assert absent not in words and present in words


@pytest.mark.parametrize(("extra", "tid", "present"), [
    ("  indemnity: confirmed\n  employment_model: volunteer\n", "volunteer_agreement", "Riverside NHS Trust's insurance covers you"),
    ("  supervision: in_clinic\n  supervisor_time: ring_fenced\n  employment_model: volunteer\n", "volunteer_agreement", "not squeezed out by clinic pressures"),
    ("  employment_model: volunteer\n", "volunteer_agreement", "You are not paid for your time"),
    ("  peer_recruitment: clinic_patients\n", "recruitment", "Most peers will be patients of the clinic."),
])
def test_a_claim_the_answers_support_is_still_made(q: Questionnaire, extra: str, tid: str, present: str) -> None:
    plan = evaluate_plan(q, answers(q, BASE + extra))
    assert present in text_of(render_template(q, TEMPLATES, tid, plan))


def test_a_claim_whose_words_are_not_in_its_template_fails_check(project: Project, runner: CliRunner) -> None:
    edit(project.templates_dir / "policies" / "recruitment.html.j2", "Most peers will be patients of the clinic.", "Most peers are patients here.")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    line = line_of(project.templates_dir / "catalog.yaml", 'text: "Most peers will be patients of the clinic."')
    expected = Msg.CLAIM_TEXT.format(claim="peers_are_patients", file="templates/policies/recruitment.html.j2")
    assert f"templates/catalog.yaml:{line}: error: {expected}" in result.output, result.output


def test_a_template_reading_an_undeclared_claim_fails_check(project: Project, runner: CliRunner) -> None:
    path = project.templates_dir / "policies" / "recruitment.html.j2"
    edit(path, "{% if claims.peers_are_patients %}", "{% if claims.peers_are_patient %}")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    expected = Msg.TEMPLATE_CLAIM.format(claim="peers_are_patient", template="recruitment", hint=" (did you mean 'peers_are_patients'?)")
    assert f"templates/policies/recruitment.html.j2:{line_of(path, 'claims.peers_are_patient')}: error: {expected}" in result.output, result.output


def test_a_claim_condition_on_an_unknown_option_fails_check(project: Project, runner: CliRunner) -> None:
    catalog = project.templates_dir / "catalog.yaml"
    edit(catalog, "when: {equals: [indemnity, confirmed]}", "when: {equals: [indemnity, confirmd]}")
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1
    assert f"templates/catalog.yaml:{line_of(catalog, 'indemnity, confirmd')}: error: template 'volunteer_agreement' claim 'insurance_covers': 'confirmd' is not an option of 'indemnity'" in result.output, result.output
