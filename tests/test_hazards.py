"""The safety case's proof: for every hazard in questionnaire/hazards.yaml, answers where its cause holds, or cannot
be ruled out because an answer is unknown, give a red plan ("Not ready to start") whose go-live item is never met,
with the actions that lift it as must-dos dated before the first patient. In Python here, and in engine.js through
the hazard cases of the conformance fixtures (run here in Node, and in Chromium by tests/test_wizard_engine.py).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.checks.project import load_questionnaire
from builder.checks.questionnaire import witness
from builder.core.answers import Answer, AnswerFile
from builder.core.compiled import compiled
from builder.core.conditions import SKIPPED, Value, evaluate
from builder.core.engine import evaluate_plan, fill, walk
from builder.core.schema import All, AnyOf, Condition, Hazard, Not, Questionnaire
from builder.dev.fixtures import CONFORMANCE, hazard_witnesses
from builder.load.project import ROOT
from builder.output.export import questionnaire_json

from .test_engine import answer_sets

ENGINE = ROOT / "builder" / "wizard" / "engine.js"


def _hazards(q: Questionnaire) -> list[Hazard]:
    assert q.hazards is not None, "the toolkit's questionnaire carries a hazard log"
    return q.hazards.hazards


_Q = load_questionnaire()
_LOG = _hazards(_Q)
HAZARD_IDS = [h.id for h in _LOG]
PLANNED_IDS = [h.id for h in _LOG if h.planned is not None]


def _hazard(q: Questionnaire, hid: str) -> Hazard:
    return next(h for h in _hazards(q) if h.id == hid)


def cause_holds(q: Questionnaire, h: Hazard) -> st.SearchStrategy[dict[str, Answer]]:
    """Answer sets where the hazard's cause holds or is unknown: random answers to everything else, and each
    question the cause hangs on either given as in one of its witnesses or left unanswered. The condition
    language is monotone in what is known, so leaving an answer out turns a cause that holds into one that
    holds or is unknown, never into one that fails."""
    worlds = hazard_witnesses(q, h)
    assert worlds, h.id

    def build(base: dict[str, Answer], world: dict[str, Value], keep: list[bool]) -> dict[str, Answer]:
        answers = {k: v for k, v in base.items() if k not in world}
        for (qid, value), kept in zip(sorted(world.items()), keep):
            if kept and value is not SKIPPED and value is not None:
                answers[qid] = Answer(value)
        return answers

    return st.sampled_from(worlds).flatmap(
        lambda world: st.builds(build, answer_sets(q), st.just(world), st.lists(st.booleans(), min_size=len(world), max_size=len(world))))


def _check_blocked(q: Questionnaire, h: Hazard, plan: dict[str, Any], cause: bool | None) -> None:
    """What every plan must show while a hazard's cause holds (True) or cannot be ruled out (None)."""
    msgs = q.meta.messages
    overall = plan["readiness"]["overall"]
    assert overall["rating"] == "red" and overall["label"] == q.meta.ratings.labels.red, overall
    item = next(i for i in plan["go_live"] if i["hazard"] == h.id)
    assert item["id"] == h.controls.go_live.id
    assert item["status"] in ("not_met", "planned", "unknown") and item["status"] != "met"
    if cause is None:
        assert item["status"] == "unknown"
        assert any(r.startswith(fill(msgs.go_live_unknown, cap="red", titles="|").split("|")[0]) and h.controls.go_live.title in r
                   for r in overall["reasons"]), "the plan says which go-live items are not known yet"
    else:
        template = msgs.go_live_planned if item["status"] == "planned" else msgs.go_live_not_met
        assert fill(template, cap="red", title=h.controls.go_live.title, reason=h.controls.go_live.reason) in overall["reasons"]
    actions = {a["id"]: a for a in plan["actions"]}
    lifting = [actions[a] for a in h.controls.actions if a in actions]
    for a in lifting:
        assert a["must"], f"{a['id']} lifts '{item['id']}' but is not a must-do"
        assert a["due_week"] <= plan["first_patient_week"], f"{a['id']} is due after the first patient"
    if item["status"] == "unknown":
        find_outs = [a for a in plan["actions"] if a["id"].startswith("find_out_")]
        assert lifting or find_outs, "something in the plan finds out or lifts it"
        assert all(a["must"] and a["due_week"] <= plan["first_patient_week"] for a in find_outs)
    else:
        assert lifting, f"'{item['id']}' is {item['status']} but none of its actions {h.controls.actions} is in the plan"


@pytest.mark.parametrize("hid", HAZARD_IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cause_blocks_go_live(q: Questionnaire, hid: str, data: st.DataObject) -> None:
    """Wherever a hazard's cause holds, unknown answers included, the plan is red and the item never met."""
    h = _hazard(q, hid)
    answers = data.draw(cause_holds(q, h))
    af = AnswerFile("Clinic", answers=answers, assessed_on="2026-11-02")
    _, values = walk(q, af)
    cause = evaluate(h.cause, values)
    assert cause is not False, "the strategy only makes answers where the cause holds or is unknown"
    _check_blocked(q, h, evaluate_plan(q, af), cause)


@pytest.mark.parametrize("hid", HAZARD_IDS)
def test_controls_lift_the_hazard(q: Questionnaire, hid: str) -> None:
    """With every control in place (the cause definitely false), the go-live item is met: each item can be met."""
    h = _hazard(q, hid)
    world = witness(q, Not(**{"not": h.cause}))
    assert world is not None, f"'{hid}' can never be controlled"
    af = AnswerFile("Clinic", answers={k: Answer(v) for k, v in world.items() if v is not SKIPPED and v is not None})
    item = next(i for i in evaluate_plan(q, af)["go_live"] if i["hazard"] == hid)
    assert item["status"] == "met"


@pytest.mark.parametrize("hid", PLANNED_IDS)
def test_planned_is_never_met(q: Questionnaire, hid: str) -> None:
    """An answer that a control is only planned shows as planned: never met, and the plan is red."""
    h = _hazard(q, hid)
    assert h.planned is not None
    world = witness(q, All(all=[h.cause, h.planned]))
    assert world is not None, f"'{hid}' can never be planned"
    af = AnswerFile("Clinic", answers={k: Answer(v) for k, v in world.items() if v is not SKIPPED and v is not None}, assessed_on="2026-11-02")
    plan = evaluate_plan(q, af)
    item = next(i for i in plan["go_live"] if i["hazard"] == hid)
    assert item["status"] == "planned"
    _check_blocked(q, h, plan, True)


def test_a_go_live_answer_left_blank_is_never_ready(q: Questionnaire) -> None:
    """The empty assessment: every item not known yet, red, each with a Find out must-do before the first patient."""
    plan = evaluate_plan(q, AnswerFile("Clinic", assessed_on="2026-11-02"))
    assert {i["status"] for i in plan["go_live"]} == {"unknown"}
    for h in _hazards(q):
        _check_blocked(q, h, plan, None)


def test_every_hazard_names_real_evidence(q: Questionnaire) -> None:
    """Each hazard's evidence is a test that exists, so the safety case cannot cite a proof nobody runs."""
    for h in _hazards(q):
        for ev in h.evidence:
            path, _, name = ev.partition("::")
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {re.escape(name)}\(", source, re.M), f"{h.id}: evidence {ev} is not a test"


def test_risk_route_words_match_the_template(q: Questionnaire) -> None:
    """The route for a disclosure of suicide or self-harm risk says the same thing, with the same timing, in the
    hazard log, the plan's action and the safeguarding procedure (blank and tailored)."""
    from builder.load.answers import load_answers
    from builder.render.documents import render_template

    routes = [h for h in _hazards(q) if h.procedure]
    assert routes, "the risk route's steps are data"
    actions = {a.id: a for d in q.domains for a in d.actions}
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    plan = evaluate_plan(q, af)
    for h in routes:
        lifting = [actions[a] for a in h.controls.actions]
        for step in h.procedure:
            assert any(step in a.detail for a in lifting), f"{h.id}: the plan's action does not say {step!r}"
            for t in h.controls.templates:
                for p in (None, plan):
                    html = render_template(q, ROOT / "templates", t, p)
                    assert step.replace("'", "&#39;") in html or step in html, f"{h.id}: template {t} does not say {step!r}"


def test_conformance_fixtures_hold_a_case_per_hazard(q: Questionnaire) -> None:
    cases = json.loads(CONFORMANCE.read_text(encoding="utf-8"))["cases"]
    names = {c["name"] for c in cases}
    for h in _hazards(q):
        assert any(n.startswith(f"hazard {h.id}: cause holds") for n in names), h.id
        assert any(n.startswith(f"hazard {h.id}: cause not known") for n in names), h.id


def _engine_js(q: Questionnaire, cases: list[dict[str, Any]], tmp_path: Path) -> list[dict[str, Any]]:
    """engine.js's plan for each case's answers, run in Node."""
    qfile, docs = tmp_path / "q.json", tmp_path / "docs.json"
    qfile.write_text(questionnaire_json(q), encoding="utf-8")
    docs.write_text(json.dumps([c["answers"] for c in cases]), encoding="utf-8")
    script = (
        "const E = require(process.argv[1]); const fs = require('fs');"
        "const q = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "const docs = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));"
        "process.stdout.write(JSON.stringify(docs.map(function (d) { return E.plan(q, d); })));"
    )
    out = subprocess.run(["node", "-e", script, str(ENGINE), str(qfile), str(docs)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    results: list[dict[str, Any]] = json.loads(out.stdout)
    return results


def test_engine_js_blocks_every_hazard_in_node(q: Questionnaire, tmp_path: Path) -> None:
    """The browser's engine, on the hazard cases of the conformance fixtures: red, never met, lifting must-dos first."""
    cases = [c for c in json.loads(CONFORMANCE.read_text(encoding="utf-8"))["cases"] if c["name"].startswith("hazard ")]
    results = _engine_js(q, cases, tmp_path)
    assert len(results) == len(cases) >= 2 * len(_hazards(q))
    from builder.core.answers import parse_answers
    from builder.load.sources import LoadedFile

    for case, result in zip(cases, results):
        assert result["errors"] == [], case["name"]
        hid = case["name"].split(":")[0].removeprefix("hazard ")
        h = _hazard(q, hid)
        _, values = walk(q, parse_answers(LoadedFile("<case>", case["answers"]), q))
        cause = evaluate(h.cause, values)
        assert cause is not False, case["name"]
        _check_blocked(q, h, result["plan"], cause)


# ------------------------------------------------------------------ the honorary-contract rule in the information-governance hazard

HONORARY = "honorary_contract"


def _honorary_branch(q: Questionnaire) -> tuple[Hazard, Condition]:
    """The information-governance hazard, and the part of its cause that the honorary-contract rule makes hold: the
    shared rule holds and no contract is in place."""
    h = _hazard(q, "information_governance")
    rule = q.meta.shared_rules[HONORARY].when
    assert isinstance(h.cause, AnyOf), h.cause
    return h, next(b for b in h.cause.any_ if isinstance(b, All) and rule in b.all)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_honorary_contract_blocks_go_live(q: Questionnaire, data: st.DataObject) -> None:
    """Peers who need an honorary contract under the one rule (record access, or placement by another body), with
    none in place (or nobody knows): red, the information-governance item never met, and arranging the contracts (or finding out) a
    must-do before the first patient, whatever else is answered."""
    h, branch = _honorary_branch(q)
    answers = data.draw(cause_holds(q, h.model_copy(update={"cause": branch, "planned": None})))
    af = AnswerFile("Clinic", answers=answers, assessed_on="2026-11-02")
    _, values = walk(q, af)
    assert evaluate(branch, values) is not False
    cause = evaluate(h.cause, values)
    assert cause is not False, "the rule's branch is part of the hazard's cause"
    plan = evaluate_plan(q, af)
    _check_blocked(q, h, plan, cause)
    arrange = next((a for a in plan["actions"] if a["id"] == "honorary_contracts"), None)
    find_out = next((a for a in plan["actions"] if a["id"] == "find_out_honorary_contract_status"), None)
    if values.get("honorary_contract_status") in ("planned", "not_yet"):
        assert arrange is not None, "a contract that is not signed is arranged before the first patient"
    assert arrange is not None or find_out is not None
    for a in (arrange, find_out):
        if a is not None:
            assert a["must"] and a["due_week"] <= plan["first_patient_week"], a


@pytest.mark.parametrize(("status", "expected"), [("signed", "met"), ("planned", "planned"), ("not_yet", "not_met"), (None, "unknown")])
def test_only_a_signed_honorary_contract_meets_the_item(q: Questionnaire, status: str | None, expected: str) -> None:
    """Volunteers writing in the clinic's record, with every other information-governance control in place: the
    item turns on the honorary contract alone, and only a signed one meets it."""
    given = {"info_access": "limited", "note_taking": "clinic_record", "records_storage": "agreed", "employment_model": "volunteer",
             "peer_recruitment": "clinic_patients", "policies_in_place": ["confidentiality", "data_protection"], "dpia": "done",
             "data_security_training": "completed"}
    if status is not None:
        given["honorary_contract_status"] = status
    af = AnswerFile("Clinic", answers={k: Answer(v) for k, v in given.items()}, assessed_on="2026-11-02")
    plan = evaluate_plan(q, af)
    item = next(i for i in plan["go_live"] if i["hazard"] == "information_governance")
    assert item["status"] == expected
    if expected != "met":
        _check_blocked(q, _hazard(q, "information_governance"), plan, None if status is None else True)
    assert any(a["id"] == "honorary_contracts" for a in plan["actions"]) == (status != "signed")


@pytest.mark.parametrize("version", ["1.0.0", "2.0.0", "2.1.0"])
def test_an_answer_file_from_before_the_question_still_plans(q: Questionnaire, version: str) -> None:
    """Files answered before honorary_contract_status existed load and plan: where the rule holds the item is not
    known yet, the plan red, and finding out and arranging the contracts are must-dos before the first patient."""
    from builder.core.answers import parse_answers_text

    text = (f"version: 1\nquestionnaire_version: \"{version}\"\nassessed_on: 2026-11-02\nclinic: {{name: Old Clinic}}\nanswers:\n"
            "  info_access: full_notes\n  note_taking: clinic_record\n  records_storage: agreed\n  employment_model: volunteer\n"
            "  policies_in_place: [confidentiality, data_protection]\n  dpia: done\n  data_security_training: completed\n")
    plan = evaluate_plan(q, parse_answers_text(text, q))
    assert plan["assessment"]["answered_against"] == version
    item = next(i for i in plan["go_live"] if i["hazard"] == "information_governance")
    assert item["status"] == "unknown"
    _check_blocked(q, _hazard(q, "information_governance"), plan, None)
    musts = {a["id"] for a in plan["actions"] if a["must"] and a["due_week"] <= plan["first_patient_week"]}
    assert {"find_out_honorary_contract_status", "honorary_contracts"} <= musts


def test_conformance_fixtures_prove_the_honorary_contract_in_the_browser(q: Questionnaire, tmp_path: Path) -> None:
    """Among the hazard cases engine.js is run on, one holds the information-governance cause through the
    honorary-contract rule alone (every other control in place): the browser's engine blocks it too."""
    h, branch = _honorary_branch(q)
    assert isinstance(h.cause, AnyOf)
    others = [b for b in h.cause.any_ if b != branch]
    from builder.core.answers import parse_answers
    from builder.load.sources import LoadedFile

    cases = [c for c in json.loads(CONFORMANCE.read_text(encoding="utf-8"))["cases"] if c["name"].startswith(f"hazard {h.id}:")]
    alone = []
    for c in cases:
        _, values = walk(q, parse_answers(LoadedFile("<case>", c["answers"]), q))
        if evaluate(branch, values) is True and all(evaluate(o, values) is False for o in others):
            alone.append(c)
    assert alone, "no conformance case holds the cause through the honorary-contract rule alone"
    for case, result in zip(alone, _engine_js(q, alone, tmp_path)):
        assert result["errors"] == [], case["name"]
        _check_blocked(q, h, result["plan"], True)
        assert any(a["id"] == "honorary_contracts" and a["must"] for a in result["plan"]["actions"])


# ------------------------------------------------------------------ the safety case, published


def test_safety_case_page_sets_out_every_hazard(q: Questionnaire) -> None:
    """The site's page (and the book's chapter, the same text): each hazard, its ratings, controls and evidence."""
    from builder.render.safety_case import rating, safety_case_markdown

    page = safety_case_markdown(q)
    refs = (ROOT / "guidance" / "references.md").read_text(encoding="utf-8")
    assert "(references.md#dcb0129-dcb0160)" in page and "{#dcb0129-dcb0160}" in refs, "the method is cited"
    assert "DCB0129" in refs and "DCB0160" in refs
    actions = {a.id: a for d in q.domains for a in d.actions}
    summary = page.split("## Summary for a governance paper")[1].split("## The hazards")[0]
    for h in _hazards(q):
        row = next(ln for ln in summary.splitlines() if f"[{h.title}]" in ln)
        assert f"| {rating(q, h.severity, h.likelihood)} | {rating(q, h.residual_severity, h.residual_likelihood)} |" in row
        assert h.controls.go_live.title in row
        section = page.split(f"{{#hazard-{h.id.replace('_', '-')}}}")[1].split("\n### ")[0]
        assert h.harm in section and h.controls.go_live.title in section
        assert f"severity {h.severity} \u00d7 likelihood {h.likelihood}" in section
        assert f"severity {h.residual_severity} \u00d7 likelihood {h.residual_likelihood}" in section
        for aid in h.controls.actions:
            assert actions[aid].title in section
        for ev in h.evidence:
            assert f"`{ev}`" in section
        for step in h.procedure:
            assert step in section


def test_mkdocs_lists_the_generated_safety_case_page() -> None:
    import yaml

    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert {"Safety case": "safety-case.md"} in nav
    assert not (ROOT / "guidance" / "safety-case.md").exists(), "generated by the plugin from the hazard log, never written by hand"


def test_book_has_the_safety_case_chapter(q: Questionnaire) -> None:
    from builder.load.paths import Project
    from builder.output.toolkit import book_html

    book = book_html(q, Project(ROOT))
    assert 'id="part-safety-case"' in book
    chapter = book.split('id="part-safety-case"')[1]
    for h in _hazards(q):
        assert h.title.replace("'", "&#39;") in chapter or h.title in chapter
    assert 'href="#g-references--dcb0129-dcb0160"' in chapter, "the citation links to the book's references"


def test_plan_pdf_carries_the_clinics_safety_summary(q: Questionnaire) -> None:
    from builder.load.answers import load_answers
    from builder.output.pack import plan_html

    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    plan = evaluate_plan(q, af)
    html = plan_html(q, plan, ROOT / "templates")
    section = html.split('id="safety-case"')[1].split("</section>")[0]
    words = q.meta.messages.go_live_status.model_dump()
    for item in plan["go_live"]:
        h = _hazard(q, item["hazard"])
        row = section.split(h.title.replace("'", "&#39;"))[1].split("</tr>")[0]
        assert f'go-live-{item["status"]}">{words[item["status"]]}</span>' in row


# ------------------------------------------------------------------ the governance reviewer's cases (issue 19)


def _ready(q: Questionnaire) -> dict[str, Answer]:
    """Northgate with every control in place: its training completed and a boundaries policy."""
    from builder.load.answers import load_answers

    af, _ = load_answers(ROOT / "examples" / "northgate.yaml", q)
    answers = dict(af.answers)
    policies = answers["policies_in_place"].value
    assert isinstance(policies, list)
    answers.update({"training_done": Answer("completed"), "safeguarding_training_done": Answer("completed"),
                    "data_security_training": Answer("completed"), "policies_in_place": Answer([*policies, "boundaries"])})
    return answers


def _without(answers: dict[str, Answer], question: str, option: str) -> dict[str, Answer]:
    value = answers[question].value
    assert isinstance(value, list)
    return {**answers, question: Answer([v for v in value if v != option])}


REVIEWER_CASES = [
    # Peers who are patients of the same small team, with no lived-experience criteria and no boundaries policy.
    pytest.param(lambda a: {**_without(a, "policies_in_place", "boundaries"), "lived_experience_criteria": Answer(["none"]),
                            "new_diagnoses": Answer("under_25")}, "dual_relationships", "not_met", id="dual-relationships"),
    # Peers reading full notes and writing in the record while the DPIA is unfinished.
    pytest.param(lambda a: {**a, "dpia": Answer("in_progress")}, "information_governance", "planned", id="dpia-in-progress"),
    pytest.param(lambda a: {**a, "dpia": Answer("not_started")}, "information_governance", "not_met", id="dpia-not-started"),
    # Peers in the community, or on the phone from home, with no lone-working policy.
    pytest.param(lambda a: _without(a, "policies_in_place", "lone_working"), "lone_working", "not_met", id="community-no-lone-working"),
    pytest.param(lambda a: {**_without(a, "policies_in_place", "lone_working"), "community_work": Answer("no"), "remote_support": Answer("yes")},
                 "lone_working", "not_met", id="phone-no-lone-working"),
    # No out-of-hours route after a disclosure of suicide risk.
    pytest.param(lambda a: {**a, "out_of_hours": Answer("not_yet")}, "risk_route", "not_met", id="no-out-of-hours"),
    # No incident-reporting cover, no indemnity.
    pytest.param(lambda a: {**a, "incidents_complaints": Answer("partly")}, "incidents_complaints", "not_met", id="incidents-partly"),
    pytest.param(lambda a: {**a, "indemnity": Answer("not_yet")}, "indemnity", "not_met", id="no-indemnity"),
    # Level 2 training that "will be" arranged.
    pytest.param(lambda a: {**a, "safeguarding_training_done": Answer("booked")}, "safeguarding_training", "planned", id="training-booked"),
    # Every safeguarding question left unanswered.
    pytest.param(lambda a: {k: v for k, v in a.items() if q_domain(k) != "safety"}, "safeguarding_cover", "unknown", id="safeguarding-unanswered"),
]


def q_domain(qid: str) -> str:
    return _Q.domain_of(qid).id


def test_every_control_in_place_is_ready(q: Questionnaire) -> None:
    plan = evaluate_plan(q, AnswerFile("Clinic", answers=_ready(q), assessed_on="2026-11-02"))
    assert {i["status"] for i in plan["go_live"]} == {"met"}
    assert plan["readiness"]["overall"]["rating"] == "green", plan["readiness"]["overall"]["reasons"]


@pytest.mark.parametrize(("change", "item", "status"), REVIEWER_CASES)
def test_the_reviewers_unsafe_services_are_not_ready(q: Questionnaire, change: Any, item: str, status: str) -> None:
    """The answer sets a governance reviewer found rated green before the hazard log: each is red now, naming its item."""
    plan = evaluate_plan(q, AnswerFile("Clinic", answers=change(_ready(q)), assessed_on="2026-11-02"))
    got = {i["id"]: i["status"] for i in plan["go_live"]}
    assert got[item] == status
    overall = plan["readiness"]["overall"]
    assert overall["rating"] == "red" and overall["label"] == "Not ready to start"
    h = next(h for h in _hazards(q) if h.controls.go_live.id == item)
    _check_blocked(q, h, plan, None if status == "unknown" else True)


def test_the_clinics_safety_summary_rates_at_its_own_likelihood(q: Questionnaire) -> None:
    from builder.core.hazards import likelihood
    from builder.render.safety_case import rating, safety_summary

    small = {**_ready(q), "new_diagnoses": Answer("under_25"), "policies_in_place": Answer(["safeguarding"])}
    af = AnswerFile("Clinic", answers=small)
    plan = evaluate_plan(q, af)
    _, values = walk(q, af)
    rows = {r["hazard"]: r for r in safety_summary(q, plan)}
    h = _hazard(q, "dual_relationships")
    assert likelihood(h, values, compiled(q)) == 4 != h.likelihood, "a small service makes dual relationships likelier"
    assert rows[h.id]["before"] == rating(q, h.severity, 4) and rows[h.id]["status"] == "not_met"
