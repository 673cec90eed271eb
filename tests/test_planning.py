"""A plan a board can act on: budget, timeline, risks, indicators, actions.csv and the checks on their data."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.answers import AnswerFile
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg, ReadinessError
from builder.core.schedule import add_months
from builder.core.schema import Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT, Project
from builder.render.csvout import actions_csv, safe_cell

from .conftest import answers, edit, line_of

EXAMPLES = sorted(p.stem for p in (ROOT / "examples").glob("*.yaml"))
RIVERSIDE = (ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8")


def example(q: Questionnaire, name: str) -> AnswerFile:
    return load_answers(ROOT / "examples" / f"{name}.yaml", q)[0]


# ------------------------------------------------------------------ budget


def test_riverside_budget_is_costed_from_its_answers(q: Questionnaire) -> None:
    b = evaluate_plan(q, example(q, "riverside"))["budget"]
    lines = {x["id"]: x for x in b["lines"]}
    # 7.5 extra hours a week (the clinic's answer) at band 6, on-costs 1 + (15 + 14.38 + 0.5)% = 1.2988 -> 1.30:
    # 38682 * 7.5 * 52 / 1950 * 1.30 = 10057.3 -> 10057
    assert lines["coordination"]["year1"] == 10057
    assert "7.5 hours a week" in lines["coordination"]["basis"]
    assert "NHS Employers" in lines["coordination"]["source"] and "2025-04-01" in lines["coordination"]["source"]
    # Volunteers: expenses at the HMRC mileage rate, no pay, DBS free for volunteers.
    assert b["employment"] == "volunteer" and "peer_pay" not in lines
    assert lines["volunteer_travel"]["year1"] == 4 * 46 * 10 * 45 // 100
    assert lines["checks"]["year1"] == 0
    assert "room_hire" not in lines  # a shared room is available
    assert b["total_year1"] == sum(x["year1"] for x in b["lines"])
    assert b["total_3_years"] == b["total_year1"] + 2 * sum(x["later_year"] for x in b["lines"])
    assert all(isinstance(x["year1"], int) and isinstance(x["later_year"], int) for x in b["lines"])


def test_an_assumption_in_the_answer_file_changes_the_budget(q: Questionnaire) -> None:
    base = evaluate_plan(q, answers(q, RIVERSIDE))["budget"]
    changed = evaluate_plan(q, answers(q, RIVERSIDE + "assumptions:\n  coordinator_hours: 15\n  peers: 6\n"))["budget"]
    lines = {x["id"]: x for x in changed["lines"]}
    assert lines["coordination"]["year1"] == 20115  # twice 7.5 hours: 2 * 10057.3
    assert changed["total_year1"] > base["total_year1"]
    shown = {a["id"]: a for a in changed["assumptions"]}
    assert shown["peers"]["overridden"] and shown["peers"]["value"] == "6"
    assert not shown["mileage_rate"]["overridden"] and shown["mileage_rate"]["shown"] == "£0.45"


def test_no_room_adds_room_hire_and_a_dedicated_role_costs_more(q: Questionnaire) -> None:
    text = RIVERSIDE.replace("  space: shared_room\n", "  space: none\n").replace("answer: extend_role", "answer: dedicated_role")
    b = evaluate_plan(q, answers(q, text))["budget"]
    lines = {x["id"]: x for x in b["lines"]}
    assert lines["room_hire"]["year1"] == 3 * 46 * 20
    assert "22.5 hours a week" in lines["coordination"]["basis"]


@pytest.mark.parametrize(("text", "message"), [
    ("assumptions: [1, 2]\n", Msg.ASSUMPTIONS_MAPPING),
    ("assumptions:\n  coordinator_hour: 3\n", Msg.ASSUMPTION_UNKNOWN.format(key="coordinator_hour", hint=" (did you mean 'coordinator_hours'?)")),
    ("assumptions:\n  peers: -2\n", Msg.ASSUMPTION_NUMBER.format(key="peers", got="a negative number")),
    ("assumptions:\n  on_costs: 1.255\n", Msg.ASSUMPTION_NUMBER.format(key="on_costs", got="a number with more than two decimal places")),
    ("assumptions:\n  peers: six\n", Msg.ASSUMPTION_NUMBER.format(key="peers", got="text")),
    ("assumptions:\n  peers: true\n", Msg.ASSUMPTION_NUMBER.format(key="peers", got="true/false")),
])
def test_bad_assumptions_are_reported_with_their_line(q: Questionnaire, text: str, message: str) -> None:
    full = RIVERSIDE + text
    with pytest.raises(ReadinessError) as err:
        answers(q, full)
    [problem] = err.value.problems
    assert problem.message == message
    first_key = text.splitlines()[1 if "\n  " in text else 0].strip()
    assert problem.line == full.splitlines().index(next(ln for ln in full.splitlines() if ln.strip() == first_key)) + 1


# ------------------------------------------------------------------ timeline


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_due_date_respects_its_waits_and_its_phase(q: Questionnaire, name: str) -> None:
    plan = evaluate_plan(q, example(q, name))
    acts = {a["id"]: a for a in plan["actions"]}
    start = plan["assessment"]["assessed_on"]
    phases = [p.id for p in q.meta.phases]
    for a in plan["actions"]:
        assert a["due_week"] == a["start_week"] + a["weeks"]
        for d in a["after"]:
            assert acts[d]["due_week"] <= a["start_week"], (a["id"], d)
        for b in plan["actions"]:  # every must-do of an earlier phase is done before this action starts
            if b["must"] and phases.index(b["phase"]) < phases.index(a["phase"]):
                assert b["due_week"] <= a["start_week"], (a["id"], b["id"])
        assert a["due"] == (dt.date.fromisoformat(start) + dt.timedelta(weeks=a["due_week"])).isoformat()
    go_live = [a for a in plan["actions"] if a["must"] and phases.index(a["phase"]) < phases.index("launch")]
    assert plan["first_patient_week"] == max(a["due_week"] for a in go_live)
    assert plan["first_patient_date"] > start
    assert plan["review_date"] == add_months(start, 3)


@pytest.mark.parametrize("name", EXAMPLES)
def test_must_dos_come_first_and_nothing_appears_twice(q: Questionnaire, name: str) -> None:
    plan = evaluate_plan(q, example(q, name))
    ids = [a["id"] for a in plan["actions"]]
    assert len(ids) == len(set(ids)) and len(plan["templates"]) == len(set(plan["templates"]))
    for phase in q.meta.phases:
        musts = [a["must"] for a in plan["actions"] if a["phase"] == phase.id]
        assert musts == sorted(musts, reverse=True), phase.id



@pytest.mark.parametrize("name", EXAMPLES)
def test_top_steps_begin_with_what_blocks_going_live_soonest_first(q: Questionnaire, name: str) -> None:
    """The one answer to "what first?" (schedule.yaml's first_steps rule): the actions of go-live items not in place
    lead, soonest due first; the rest are must-dos that can start now, soonest due first; nothing twice."""
    assert q.planning is not None
    rule = q.planning.schedule.first_steps
    plan = evaluate_plan(q, example(q, name))
    actions = {a["id"]: a for a in plan["actions"]}
    steps, blocking = plan["first_steps"], plan["first_steps_blocking"]
    assert 1 <= len(steps) <= rule.count and len(steps) == len(set(steps))
    gaps = [g["action"] for g in plan["go_live"] if g["status"] in rule.blocking and g["action"] in actions]
    assert blocking == steps[:len(blocking)] and set(blocking) <= set(gaps)
    assert len(blocking) == min(rule.count, len(set(gaps))), "every blocking action comes before any other step"
    if len(blocking) < rule.count:
        assert set(blocking) == set(gaps)
    for part in (blocking, steps[len(blocking):]):
        weeks = [actions[aid]["due_week"] for aid in part]
        assert weeks == sorted(weeks), part
    left = set(gaps) - set(blocking)  # the gaps' actions beyond the count: none is due before a listed one
    assert not left or max(actions[aid]["due_week"] for aid in blocking) <= min(actions[aid]["due_week"] for aid in left)
    assert all(actions[aid]["start_week"] == 0 for aid in steps[len(blocking):]), "the others can start now"


def test_owners_are_the_clinics_own_roles(q: Questionnaire) -> None:
    text = RIVERSIDE.replace("answer: extend_role", "answer: none").replace("  supervision: partner\n", "  supervision: none\n")
    plan = evaluate_plan(q, answers(q, text))
    owners = {a["owner"] for a in plan["actions"]} | {r["owner"] for r in plan["risks"]}
    assert "Co-ordinator" not in owners and "Supervisor" not in owners
    assert "To be named (no budget for a co-ordinator yet)" in owners


@pytest.mark.parametrize(("start", "months", "expected"), [
    ("2026-11-02", 3, "2027-02-02"), ("2026-11-30", 3, "2027-02-28"), ("2027-11-30", 3, "2028-02-29"), ("2026-01-31", 1, "2026-02-28"),
])
def test_review_date_is_months_out_and_clamps_to_the_month_end(start: str, months: int, expected: str) -> None:
    assert add_months(start, months) == expected


def test_without_an_assessment_date_the_plan_counts_weeks(q: Questionnaire) -> None:
    af = dataclasses.replace(example(q, "riverside"), assessed_on=None)
    plan = evaluate_plan(q, af)
    assert plan["first_patient_date"] is None and plan["review_date"] is None and plan["first_patient_week"] > 0
    assert all(a["due"] is None and a["due_week"] >= a["weeks"] for a in plan["actions"])


# ------------------------------------------------------------------ risks and indicators


def test_risk_register_differs_with_the_answers_and_uses_the_5x5_matrix(q: Questionnaire) -> None:
    registers = {name: evaluate_plan(q, example(q, name))["risks"] for name in EXAMPLES}
    as_rows = {name: [(r["id"], r["score"]) for r in risks] for name, risks in registers.items()}
    assert len({tuple(v) for v in as_rows.values()}) == len(EXAMPLES)
    for risks in registers.values():
        scores = [r["score"] for r in risks]
        assert scores == sorted(scores, reverse=True)
        for r in risks:
            assert 1 <= r["likelihood"] <= 5 and 1 <= r["impact"] <= 5
            assert r["score"] == r["likelihood"] * r["impact"] and r["residual_score"] <= r["score"]
            assert r["owner"] and r["mitigation"]


def test_community_work_brings_the_lone_working_risk_and_no_budget_raises_staff_risk(q: Questionnaire) -> None:
    text = RIVERSIDE.replace('community_work: "no"', 'community_work: "yes"').replace("answer: extend_role", "answer: none")
    risks = {r["id"]: r for r in evaluate_plan(q, answers(q, text))["risks"]}
    assert "lone_working" in risks
    assert risks["staff_time_swallowed"]["likelihood"] == 5 and risks["staff_time_swallowed"]["reason"]
    assert "lone_working" not in {r["id"] for r in evaluate_plan(q, example(q, "riverside"))["risks"]}


def test_indicators_follow_the_aims(q: Questionnaire) -> None:
    ids = {i["id"] for i in evaluate_plan(q, example(q, "riverside"))["indicators"]}
    assert {"newly_diagnosed_offer", "services_reached", "cost_per_contact"} <= ids
    assert "group_attendance" not in ids  # Riverside does not aim at group support
    text = RIVERSIDE.replace("aims: [newly_diagnosed, service_access]", "aims: [group_support]")
    ids2 = {i["id"] for i in evaluate_plan(q, answers(q, text))["indicators"]}
    assert "group_attendance" in ids2 and "newly_diagnosed_offer" not in ids2


# ------------------------------------------------------------------ actions.csv


def test_actions_csv_opens_in_excel(q: Questionnaire) -> None:
    af = dataclasses.replace(example(q, "riverside"))
    plan = evaluate_plan(q, af)
    plan["actions"][0]["owner"] = '=HYPERLINK("http://x","y"), "quoted"'
    data = actions_csv(plan, q)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Action", "Domain", "Phase", "Must-do", "Owner", "Due", "Waits for", "Status", "Source"]
    assert len(rows) == len(plan["actions"]) + 1
    assert rows[1][4] == "'" + '=HYPERLINK("http://x","y"), "quoted"'
    assert b"\r\n" in data and all(line.startswith(b'"') for line in data[3:].split(b"\r\n") if line)
    assert [r[5] for r in rows[1:]] == [a["due"] for a in plan["actions"]]


@pytest.mark.parametrize(("value", "expected"), [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@SUM", "'@SUM"),
                                                 ("\tcmd", "'\tcmd"), ("Service lead", "Service lead"), (None, ""),
                                                 # after Unicode normalisation (full-width forms) and leading spaces
                                                 ("\uff1dcmd|' /C calc'!A0", "'\uff1dcmd|' /C calc'!A0"), ("  =1+1", "'  =1+1"),
                                                 ("\u3000\uff0b1", "'\u3000\uff0b1"), ("\ufe62x", "'\ufe62x"), ("\uff20SUM", "'\uff20SUM"),
                                                 ("\nx", "'\nx"), ("a = b", "a = b"), ("Ａ clinic", "Ａ clinic")])
def test_formula_injection_is_neutralised(value: str | None, expected: str) -> None:
    assert safe_cell(value) == expected


def test_pack_holds_actions_csv(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "pack"
    result = runner.invoke(cli, ["pack", str(ROOT / "examples" / "northgate.yaml"), "-o", str(out), "--no-docx"])
    assert result.exit_code == 0, result.output
    text = (out / "actions.csv").read_text(encoding="utf-8-sig")
    assert text.startswith('"Action","Domain"')
    from pypdf import PdfReader

    reader = PdfReader(str(out / "plan.pdf"))
    first_two = " ".join((reader.pages[0].extract_text() + " " + reader.pages[1].extract_text()).split())
    assert "Cost in year one" in first_two and "First peer meets a patient" in first_two and "Go-live checklist" in first_two
    assert "Timeline and actions" in reader.pages[2].extract_text()
    # One review date: the plan's own, in plan.md, on the board summary and in every page's footer of plan.pdf.
    from builder.render.documents import en_gb_date

    review = (out / "plan.md").read_text(encoding="utf-8").split("**Review this plan by:** ")[1].split("\n")[0]
    when = en_gb_date(review)
    assert when and review == add_months("2026-10-15", 3)
    assert f"Review this plan by {when}" in first_two
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert all(f"Review date {when}" in p for p in pages), "every page's footer carries the plan's review date"


# ------------------------------------------------------------------ checks on the planning data

PLANNING_BROKEN = [
    pytest.param("costs.yaml", "times: [peers, training_per_peer]", "times: [peer, training_per_peer]", "times: [peer, training_per_peer]",
                 "cost line 'training': times: unknown assumption 'peer' (did you mean 'peers'?)", id="unknown-assumption"),
    pytest.param("costs.yaml", "{coordinator_hours} hours a week for", "{coordinator_hour} hours a week for", "{coordinator_hour} hours a week for",
                 "cost line 'coordination': basis: unknown assumption 'coordinator_hour'", id="unknown-basis-field"),
    pytest.param("figures.yaml", "    value: 0.45\n", "    value: 0.455\n", "    value: 0.455", "use at most two decimal places", id="three-decimals"),
    pytest.param("costs.yaml", "{when: {equals: [budget, extend_role]}, value: 7.5}", "{when: {equals: [budget, extended_role]}, value: 7.5}",
                 "extended_role", "'extended_role' is not an option of 'budget'", id="bad-case-condition"),
    pytest.param("schedule.yaml", "  recruit_peers: {weeks: 8,", "  recruit_peer: {weeks: 8,", "recruit_peer:",
                 "schedule: unknown action 'recruit_peer' (did you mean 'recruit_peers'?)", id="unknown-action"),
    pytest.param("schedule.yaml", "  find_room: {weeks: 6, must: true}", "  find_room: {weeks: 6, after: [recruit_peers], must: true}",
                 "find_room:", "action 'find_room': waits for 'recruit_peers', which is in a later phase ('recruit')", id="waits-on-later"),
    pytest.param("schedule.yaml", "  find_champions: {weeks: 4, must: true}", "  find_champions: {weeks: 4, after: [convene_champions], must: true}",
                 "find_champions:", "waiting cycle", id="cycle"),
    pytest.param("schedule.yaml", "first_patient_phase: launch", "first_patient_phase: lunch", "first_patient_phase: lunch",
                 "unknown phase 'lunch' (did you mean 'launch'?)", id="unknown-phase"),
    pytest.param("risks.yaml", "    residual_likelihood: 1\n    residual_impact: 4\n    owner: \"Service lead\"\n    source: {doc: decision_makers",
                 "    residual_likelihood: 5\n    residual_impact: 4\n    owner: \"Service lead\"\n    source: {doc: decision_makers",
                 "LAST:residual_likelihood: 5", "risk 'no_supervision': the score after mitigation (20) is higher than before (8)", id="residual-higher"),
    pytest.param("risks.yaml", "    likelihood: 3\n    impact: 2\n", "    likelihood: 6\n    impact: 2\n", "likelihood: 6",
                 "risk 'absences': likelihood: input should be less than or equal to 5", id="likelihood-out-of-range"),
    pytest.param("indicators.yaml", "source: {doc: implementing, section: \"Costing and evaluating peer activity\"}\n  - id: contacts",
                 "source: {doc: implementin, section: \"Costing and evaluating peer activity\"}\n  - id: contacts", "doc: implementin,",
                 "indicator 'uptake': unknown source 'implementin'", id="unknown-source"),
]


@pytest.mark.parametrize(("file", "old", "new", "needle", "expected"), PLANNING_BROKEN)
def test_broken_planning_data_fails_with_file_and_line(project: Project, runner: CliRunner, file: str, old: str, new: str,
                                                       needle: str, expected: str) -> None:
    path = project.questionnaire_dir / file
    edit(path, old, new)
    result = runner.invoke(cli, ["check", "--root", str(project.root)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    line = line_of(path, needle.removeprefix("LAST:"), last=needle.startswith("LAST:"))
    assert any(ln.startswith(f"questionnaire/{file}:{line}:") and expected in ln for ln in result.output.splitlines()), \
        f"expected line {line}: {expected!r} in:\n{result.output}"


def test_assumptions_survive_saving_the_answer_file(q: Questionnaire) -> None:
    from builder.core.answers import dump_answers

    af = answers(q, RIVERSIDE + "assumptions:\n  coordinator_hours: 7.25\n  peers: 6\n")
    again = answers(q, dump_answers(af, q))
    assert again.assumptions == af.assumptions == {"coordinator_hours": 725, "peers": 600}
    assert evaluate_plan(q, again) == evaluate_plan(q, af)


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_rating_sentence_counts_what_the_checklist_shows(q: Questionnaire, name: str) -> None:
    """One plain sentence: go-live items not in place (not met or only planned) first, then not known yet, then red areas."""
    plan = evaluate_plan(q, example(q, name))
    overall, words = plan["readiness"]["overall"], q.meta.messages.rating_sentence
    statuses = [g["status"] for g in plan["go_live"]]
    missing, unknown = sum(s in ("not_met", "planned") for s in statuses), statuses.count("unknown")
    red = [plan["readiness"]["domains"][d]["title"] for d in q.meta.domains if plan["readiness"]["domains"][d]["rating"] == "red"]
    plural, count = next(((p, n) for p, n in ((words.not_in_place, missing), (words.unknown, unknown), (words.red_areas, len(red))) if n),
                         (None, 0))
    expected = words.in_place if plural is None else (plural.one if count == 1 else plural.many)
    assert overall["sentence"] == expected.format(label=overall["label"], count=count, areas=", ".join(red))
    assert overall["sentence"].startswith(overall["label"] + ": ") and "Score" not in overall["sentence"]
