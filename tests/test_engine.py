"""The engine: scenario tests from example clinics, rules of thumb users expect, and properties."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.checks.questionnaire import witness
from builder.core.answers import Answer, AnswerFile
from builder.core.conditions import SKIPPED, question_refs
from builder.core.engine import RANK, evaluate_plan, walk
from builder.core.schema import Question, Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT
from builder.output.fileio import canonical_json

from .conftest import answers
from .explanations import explanation_problems


def example(q: Questionnaire, name: str) -> dict:
    af, _ = load_answers(ROOT / "examples" / f"{name}.yaml", q)
    return evaluate_plan(q, af)


def test_plan_has_the_contract_fields(q: Questionnaire) -> None:
    plan = example(q, "riverside")
    assert set(plan["readiness"]["domains"]) == set(q.meta.domains)
    assert {"resource", "champions", "policies", "roles", "safety", "space", "booking", "information", "supervision",
            "governance", "sustainability"} == set(q.meta.domains)
    assert [(g["id"], g["title"]) for g in plan["go_live"]] == [(g.id, g.title) for g in q.meta.go_live]
    assert all(g["status"] in ("met", "not_met", "planned", "unknown") for g in plan["go_live"])
    assert plan["start_with"] == sorted(q.meta.domains, key=lambda d: (plan["readiness"]["domains"][d]["score"], q.meta.domains.index(d)))[:3]
    assert plan["answers_by_id"] == {a["question"]: a["answer"] for a in plan["answers"] if a["answer"] is not None}
    for block in [plan["readiness"]["overall"], *plan["readiness"]["domains"].values()]:
        assert 0 <= block["score"] <= 100 and block["rating"] in RANK and block["reasons"]
    assert plan["route"] in {"in_house", "partnership", "hub_and_spoke"}
    assert plan["roles"] and set(plan["roles"]) <= {"mentor", "educator", "navigator", "volunteer"}
    for action in plan["actions"]:
        assert set(action) >= {"id", "domain", "phase", "title", "detail", "source", "owner"}
        assert action["source"]
    assert plan["templates"]


# Scenario table: example -> what a clinic manager would expect.
SCENARIOS = {
    # Volunteers trained only to Level 1, with no agreed route for suicide risk: not ready to start.
    "riverside": dict(route="partnership", first_role="navigator", overall="red",
                      templates_in={"partnership_agreement", "confidentiality", "referral_form", "volunteer_agreement", "expenses"},
                      templates_out={"honorary_contract"}),
    # Employed peer support workers with full notes access: staff, so no honorary contract. Training is booked, not
    # completed, and there is no boundaries policy for peers who are the team's own patients: not ready to start yet.
    "northgate": dict(route="in_house", first_role="mentor", overall="red",
                      templates_in={"confidentiality", "lone_working"}, templates_out={"partnership_agreement", "referral_form", "supervision", "honorary_contract"}),
    "hillside": dict(route="hub_and_spoke", first_role="educator", overall="red",
                     templates_in={"supervision", "partnership_agreement"}, templates_out={"honorary_contract", "confidentiality"}),
    # A version-1 answer file: the new questions are unknown, and a policy gap fails recruitment checks.
    "harbour-in-progress": dict(route="partnership", first_role="mentor", overall="red",
                                templates_in={"partnership_agreement"}, templates_out={"expenses"}),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_scenarios(q: Questionnaire, name: str) -> None:
    want = SCENARIOS[name]
    plan = example(q, name)
    assert plan["route"] == want["route"]
    assert plan["roles"][0] == want["first_role"]
    assert plan["readiness"]["overall"]["rating"] == want["overall"]
    assert want["templates_in"] <= set(plan["templates"])
    assert not (want["templates_out"] & set(plan["templates"]))


def test_in_progress_assessment_lists_unknowns_and_find_out_actions(q: Questionnaire) -> None:
    plan = example(q, "harbour-in-progress")
    assert "space" in plan["unknown"]
    ids = [a["id"] for a in plan["actions"]]
    assert "find_out_space" in ids
    space = plan["readiness"]["domains"]["space"]
    assert any("not answered yet" in r for r in space["reasons"])
    notes = {a["question"]: a["note"] for a in plan["answers"] if a["note"]}
    assert notes["budget"] == "Bid to the Trust charity due in January."
    assert "space" in notes, "a note on an unanswered question is kept"


def test_northgate_with_its_safeguards_removed_is_not_ready_to_start(q: Questionnaire) -> None:
    """The reviewer's case: safeguarding, checks and boundaries gone, full notes, community work."""
    af, _ = load_answers(ROOT / "examples" / "northgate.yaml", q)
    policies = [p for p in af.answers["policies_in_place"].value if p not in ("safeguarding", "recruitment_checks", "boundaries")]  # type: ignore[union-attr]
    plan = evaluate_plan(q, AnswerFile(af.clinic_name, answers={**af.answers, "policies_in_place": Answer(policies)}))
    overall = plan["readiness"]["overall"]
    assert overall["rating"] == "red" and overall["label"] == "Not ready to start"
    status = {g["id"]: g["status"] for g in plan["go_live"]}
    assert status["safeguarding_cover"] == status["recruitment_checks"] == "not_met"
    assert {"agree_safeguarding", "set_check_level"} <= {a["id"] for a in plan["actions"]}
    assert any("'Safeguarding arrangements cover peers" in r for r in overall["reasons"])
    untrained = evaluate_plan(q, AnswerFile(af.clinic_name, answers={**af.answers, "training": Answer("none"), "ongoing_training": Answer(None)}))
    assert untrained["readiness"]["overall"]["rating"] == "red"


def test_a_version_1_answer_file_still_plans(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nquestionnaire_version: \"1.0.0\"\nclinic: {name: X}\nanswers:\n  budget: none\n  training: partner\n  supervision: partner\n")
    plan = evaluate_plan(q, af)
    assert plan["assessment"]["answered_against"] == "1.0.0"
    assert "employment_model" in plan["unknown"] and "find_out_safeguarding_lead" in {a["id"] for a in plan["actions"]}
    assert plan["readiness"]["overall"]["rating"] != "green"


def test_employment_model_decides_agreements_expenses_and_honorary_contract(q: Questionnaire) -> None:
    base = "version: 1\nclinic: {name: X}\nanswers:\n  info_access: full_notes\n  policies_in_place: [confidentiality]\n"
    def plan_for(model: str) -> dict:
        return evaluate_plan(q, answers(q, base + f"  employment_model: {model}\n"))
    paid, volunteer, partner = plan_for("paid_band"), plan_for("volunteer"), plan_for("partner_employed")
    assert "honorary_contract" not in paid["templates"], "the organisation's own staff need no honorary contract"
    assert "honorary_contract" in volunteer["templates"] and "honorary_contract" in partner["templates"]
    assert any("employment contract from HR" in r for r in paid["template_reasons"]["volunteer_agreement"])
    assert any("staff expenses policy" in r for r in paid["template_reasons"]["expenses"])
    assert any("out-of-pocket" in r for r in volunteer["template_reasons"]["expenses"])
    assert "job_evaluation" in {a["id"] for a in paid["actions"]} and "job_evaluation" not in {a["id"] for a in volunteer["actions"]}


def test_funded_in_house_service_is_not_marked_down_for_having_no_partner(q: Questionnaire) -> None:
    common = "version: 1\nclinic: {name: X}\nanswers:\n  budget: dedicated_role\n  peer_contact: talked\n  regional_network: none\n"
    alone = evaluate_plan(q, answers(q, common + "  partner_org: none\n"))
    partnered = evaluate_plan(q, answers(q, common + "  partner_org: hiv_peer_org\n  partner_agreement: agreed\n"))
    assert alone["readiness"]["domains"]["resource"]["score"] == partnered["readiness"]["domains"]["resource"]["score"] == 100
    assert any("not counted here" in r for r in alone["readiness"]["domains"]["resource"]["reasons"])


def test_options_that_change_nothing_score_nothing(q: Questionnaire) -> None:
    """No scored question gives every option the same points; an absent safeguard never helps a role."""
    for qu in q.questions:
        if qu.scored:
            assert len({o.points for o in qu.options}) > 1, qu.id
    must_have = {qid for g in q.meta.go_live for qid, *_ in question_refs(g.met)}
    for rule in q.meta.roles.rules:
        if rule.points <= 0:
            continue
        for qid, options, _op, _path in question_refs(rule.when):
            qu = q.question(qid)
            assert qu is not None
            if qid in must_have and qu.scored:
                worst = [o for o in options if (qu.option(o).points or 0) == 0]  # type: ignore[union-attr]
                assert not worst, f"role rule for {rule.role} rewards a missing must-have: {qid} = {worst}"


def test_ring_fenced_time_counts_without_changing_the_scale(q: Questionnaire) -> None:
    base = "version: 1\nclinic: {name: X}\nanswers:\n  training: partner\n  ongoing_training: planned\n  supervision: partner\n  peer_wellbeing: plan\n  communication: named_person\n  ending_service: agreed\n"
    ring = evaluate_plan(q, answers(q, base + "  supervisor_time: ring_fenced\n"))["readiness"]["domains"]["supervision"]
    loose = evaluate_plan(q, answers(q, base + "  supervisor_time: when_possible\n"))["readiness"]["domains"]["supervision"]
    assert ring["score"] == 100 and loose["score"] < 100
    assert "Time for supervision and support is not ring-fenced." in loose["findings"]
    assert not any("ring-fenced" in f and "not" not in f for f in loose["findings"])


def test_no_supervision_caps_domain_and_overall_at_red(q: Questionnaire) -> None:
    af, _ = load_answers(ROOT / "examples" / "northgate.yaml", q)
    worse = AnswerFile(af.clinic_name, answers={**af.answers, "supervision": Answer("none")})
    worse = AnswerFile(af.clinic_name, answers={k: v for k, v in worse.answers.items() if k != "supervisor_time"})
    plan = evaluate_plan(q, worse)
    assert plan["readiness"]["domains"]["supervision"]["rating"] == "red"
    assert plan["readiness"]["overall"]["rating"] == "red"
    assert any("nobody has protected time to supervise peers" in r for r in plan["readiness"]["overall"]["reasons"])
    assert plan["readiness"]["overall"]["score"] >= 70, "the score stays honest; the gate caps the rating"


def test_nothing_to_build_on_is_red_and_not_in_house(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nclinic: {name: X}\nanswers:\n  budget: none\n  partner_org: none\n  champions: [none]\n")
    plan = evaluate_plan(q, af)
    assert plan["readiness"]["overall"]["rating"] == "red"
    assert plan["route"] != "in_house"


def test_seeing_notes_brings_in_honorary_contract_and_confidentiality(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nclinic: {name: X}\nanswers:\n  info_access: full_notes\n  policies_in_place: [confidentiality]\n  employment_model: volunteer\n")
    plan = evaluate_plan(q, af)
    assert {"honorary_contract", "confidentiality"} <= set(plan["templates"])


def test_no_space_skips_room_questions_and_no_partner_skips_partnership_questions(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nclinic: {name: X}\nanswers:\n  space: none\n  partner_org: none\n  info_access: none\n")
    steps, _ = walk(q, af)
    state = {s.question.id: s.state for s in steps}
    assert state["space_times"] == state["space_private"] == "skipped"
    assert state["partner_name"] == state["partner_agreement"] == "skipped"
    assert state["note_taking"] == "skipped"


def test_follow_ups_wait_for_their_parent(q: Questionnaire) -> None:
    af = answers(q, "version: 1\nclinic: {name: X}\nanswers: {}\n")
    state = {s.question.id: s.state for s in walk(q, af)[0]}
    assert state["space"] == "unknown" and state["space_times"] == "pending"


def test_same_answers_same_bytes(q: Questionnaire) -> None:
    a = canonical_json(example(q, "riverside"))
    b = canonical_json(example(q, "riverside"))
    assert a == b


# ------------------------------------------------------------------ properties


def _answer_strategy(qu: Question) -> st.SearchStrategy:
    if qu.type == "text":  # what the answer-file contract allows: no control, invisible or direction-changing characters
        return st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf")), min_size=1, max_size=20)
    ids = [o.id for o in qu.options]
    if qu.type == "single":
        return st.sampled_from(ids)
    exclusive = [o.id for o in qu.options if o.exclusive]
    normal = [o.id for o in qu.options if not o.exclusive]
    options = [st.lists(st.sampled_from(normal), min_size=1, unique=True)]
    if exclusive:
        options.append(st.sampled_from(exclusive).map(lambda x: [x]))
    return st.one_of(options).map(lambda chosen: [i for i in ids if i in chosen])


def answer_sets(q: Questionnaire) -> st.SearchStrategy[dict[str, Answer]]:
    """Random answers for any subset of questions (including ones routing will skip)."""
    parts = {qu.id: st.one_of(st.none(), _answer_strategy(qu)) for qu in q.questions}
    return st.fixed_dictionaries(parts).map(lambda d: {k: Answer(v) for k, v in d.items() if v is not None})


@pytest.fixture(scope="module")
def qs(q: Questionnaire) -> Questionnaire:
    return q


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_valid_answers_give_a_complete_plan(qs: Questionnaire, data: st.DataObject) -> None:
    given_answers = data.draw(answer_sets(qs))
    plan = evaluate_plan(qs, AnswerFile("Clinic", answers=given_answers))
    assert plan["roles"] and plan["route"] and plan["actions"] and plan["templates"]
    assert canonical_json(plan) == canonical_json(evaluate_plan(qs, AnswerFile("Clinic", answers=copy.deepcopy(given_answers))))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_explanations_come_only_from_rules_that_hold(qs: Questionnaire, data: st.DataObject) -> None:
    """No sentence about the clinic appears while its condition is false (and none that holds is left out)."""
    af = AnswerFile("Clinic", answers=data.draw(answer_sets(qs)))
    assert explanation_problems(qs, af, evaluate_plan(qs, af)) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_missing_must_have_is_never_better_than_red(qs: Questionnaire, data: st.DataObject) -> None:
    """Any go-live item not met, planned or not known yet makes the plan red, with an action on the path to it."""
    af = AnswerFile("Clinic", answers=data.draw(answer_sets(qs)))
    plan = evaluate_plan(qs, af)
    overall = plan["readiness"]["overall"]
    ids = {a["id"] for a in plan["actions"]}
    lifts = {g.id: set(g.actions) for g in qs.meta.go_live}
    for item in plan["go_live"]:
        if item["status"] != "met":
            assert overall["rating"] == "red" and overall["label"] == qs.meta.ratings.labels.red, item
            assert (lifts[item["id"]] & ids) or (item["status"] == "unknown" and any(i.startswith("find_out_") for i in ids)), \
                f"{item['id']} is {item['status']} but nothing in the plan lifts it"


def _better_options(qu: Question, current: object) -> list[object]:
    """Answers that are better than `current` for a scored question: more points, or one more policy ticked.

    Options worth the same points are different, not better (full access to notes is not
    better than limited access, and brings its own gates)."""
    if qu.type == "single":
        now = qu.option(current).points or 0  # type: ignore[arg-type]
        return [o.id for o in qu.options if (o.points or 0) > now]
    assert isinstance(current, list)
    if any(qu.option(c).exclusive for c in current):  # type: ignore[union-attr]
        return [[o.id] for o in qu.options if not o.exclusive]
    return [[o.id for o in qu.options if o.id in current or o.id == extra.id] for extra in qu.options if not extra.exclusive and extra.id not in current]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), which=st.integers(0, 10_000), better_pick=st.integers(0, 10_000))
def test_a_better_answer_never_lowers_a_domain(qs: Questionnaire, data: st.DataObject, which: int, better_pick: int) -> None:
    given_answers = data.draw(answer_sets(qs))
    scored = [qu for qu in qs.questions if qu.scored and qu.id in given_answers]
    if not scored:
        return
    qu = scored[which % len(scored)]
    better = _better_options(qu, given_answers[qu.id].value)
    if not better:
        return
    new_value = better[better_pick % len(better)]
    before = evaluate_plan(qs, AnswerFile("Clinic", answers=given_answers))
    after = evaluate_plan(qs, AnswerFile("Clinic", answers={**given_answers, qu.id: Answer(new_value)}))  # type: ignore[arg-type]
    domain = qs.domain_of(qu.id).id
    b, a = before["readiness"]["domains"][domain], after["readiness"]["domains"][domain]
    assert a["score"] >= b["score"], (qu.id, given_answers[qu.id].value, new_value)
    assert RANK[a["rating"]] >= RANK[b["rating"]], (qu.id, given_answers[qu.id].value, new_value, a["reasons"])
    assert after["readiness"]["overall"]["score"] >= before["readiness"]["overall"]["score"]


def test_answering_never_scores_below_leaving_unanswered(q: Questionnaire) -> None:
    empty = evaluate_plan(q, AnswerFile("Clinic"))
    for qu in q.questions:
        if not qu.scored:
            continue
        worst = min(qu.options, key=lambda o: o.points or 0)
        plan = evaluate_plan(q, AnswerFile("Clinic", answers={qu.id: Answer([worst.id] if qu.type == "multi" else worst.id)}))
        d = q.domain_of(qu.id).id
        assert plan["readiness"]["domains"][d]["score"] >= empty["readiness"]["domains"][d]["score"]


def test_every_question_is_reachable_on_some_path(q: Questionnaire) -> None:
    """For each follow-up, the checker's witness, replayed through the engine, puts it on the path."""
    for qu in q.questions:
        if qu.ask_if is None:
            continue
        found = witness(q, qu.ask_if)
        assert found is not None, qu.id
        given_answers = {k: Answer(v) for k, v in found.items() if v is not SKIPPED}  # type: ignore[arg-type]
        steps, _ = walk(q, AnswerFile("Clinic", answers=given_answers))
        assert {s.question.id: s.state for s in steps}[qu.id] in ("answered", "unknown"), qu.id


def test_random_answer_sets_reach_every_question(q: Questionnaire) -> None:
    """Property-based: for each follow-up, hypothesis finds random answers that put it on the path."""
    from hypothesis import Phase, find
    from hypothesis import settings as hsettings

    for qu in q.questions:
        if qu.ask_if is None:
            continue

        def asked(answers: dict[str, Answer], qid: str = qu.id) -> bool:
            steps, _ = walk(q, AnswerFile("Clinic", answers=answers))
            return any(s.question.id == qid and s.state in ("answered", "unknown") for s in steps)

        # Finding one example is the property; shrinking it to the smallest adds nothing here.
        found = find(answer_sets(q), asked, settings=hsettings(max_examples=2000, database=None, derandomize=True, phases=[Phase.generate]))
        assert asked(found), qu.id


def test_standards_crosswalk_covers_the_plan(q: Questionnaire) -> None:
    """Each standard lists exactly the plan's actions and templates tagged with it; every standard is used."""
    plan = example(q, "riverside")
    tags = {a.id: set(a.standards) for d in q.domains for a in d.actions}
    ttags = {t.id: set(t.standards) for t in q.templates}
    # Riverside is an English HIV service: every standard but the mental-health one applies to it.
    assert [s["id"] for s in plan["standards"]] == sorted(sid for sid in q.meta.standards if sid != "hee_psw")
    for std in plan["standards"]:
        assert std["actions"] == [a["id"] for a in plan["actions"] if std["id"] in tags.get(a["id"], set())]
        assert std["templates"] == [t for t in plan["templates"] if std["id"] in ttags[t]]
    used = set().union(*tags.values(), *ttags.values())
    assert used == set(q.meta.standards), "a standard nothing maps to"


def test_every_condition_is_unpacked_in_one_place() -> None:
    """question_test is the only unpacker: no other module tests a condition's operator to read its question."""
    import ast

    from builder.load.paths import PACKAGE

    unpackers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("equals", "in_", "includes", "includes_any") and isinstance(node.ctx, ast.Load):
                unpackers.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert unpackers and all(u.startswith("core/conditions.py:") for u in unpackers), unpackers


def test_the_find_out_prefix_is_data_not_code(q: Questionnaire) -> None:
    """Find-out action ids are meta.find_out_prefix and the question id: another prefix in the data renames them all,
    and they stay must-dos with the schedule's find_out_weeks; no Python or JavaScript file writes the prefix."""
    import re

    from builder.core.compiled import compiled
    from builder.load.paths import PACKAGE

    renamed = q.model_copy(update={"meta": q.meta.model_copy(update={"find_out_prefix": "learn_"})})
    plan = evaluate_plan(renamed, load_answers(ROOT / "examples" / "harbour-in-progress.yaml", renamed)[0])
    found = [a for a in plan["actions"] if a["id"].startswith("learn_")]
    assert found and "learn_space" in {a["id"] for a in found} and not any(a["id"].startswith("find_out_") for a in plan["actions"])
    assert renamed.planning is not None
    assert all(a["must"] and a["weeks"] == renamed.planning.schedule.find_out_weeks for a in found)
    assert compiled(renamed).action_titles["learn_space"].startswith("Find out")
    written = re.compile(r"""(["'])find_out_\1|f["']find_out_\{""")
    offenders = [p.name for p in [*PACKAGE.rglob("*.py"), *(PACKAGE / "wizard").glob("*.js")] if written.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
