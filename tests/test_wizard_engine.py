"""The in-browser engine (builder/wizard/engine.js) gives exactly the Python engine's plans and messages.

Every conformance case runs through engine.js in headless Chromium; the plan it returns is
canonicalised here and its SHA-256 compared with the fixture's. A mismatch shows a diff against
the live Python plan. Regenerate the fixtures with `python -m builder.dev.fixtures`.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.answers import TOP_KEYS, AnswerFile, parse_answers
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg, ReadinessError, quote
from builder.core.schema import Questionnaire
from builder.dev.fixtures import CONFORMANCE, GOLDEN, answer_doc, plan_digest
from builder.load.answers import load_answers
from builder.load.project import ROOT
from builder.load.sources import LoadedFile
from builder.output.export import ANSWER_MESSAGES, questionnaire_json
from builder.output.fileio import canonical_json
from builder.output.site_sources import wizard_script

from .conftest import StaticServer
from .explanations import explanation_problems
from .test_engine import answer_sets

ENGINE = ROOT / "builder" / "wizard" / "engine.js"
BATCH = 40

pytestmark = pytest.mark.browser

HARNESS = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>engine.js harness</title></head>
<body><script src="engine.js"></script><script src="planning.js"></script></body></html>
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, browser, q: Questionnaire):  # type: ignore[no-untyped-def]
    """A page with engine.js loaded and the exported questionnaire in `window.Q` (one per module:
    the `serve` fixture is per test, and starting a server per table row costs a second each)."""
    root = tmp_path_factory.mktemp("engine-harness")
    (root / "engine.js").write_text(wizard_script("engine.js"), encoding="utf-8")  # as the site serves it: pycompat.js first
    shutil.copy(ENGINE.with_name("planning.js"), root / "planning.js")
    (root / "questionnaire.json").write_text(questionnaire_json(q), encoding="utf-8")
    (root / "index.html").write_text(HARNESS, encoding="utf-8")
    server = StaticServer(root)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server.url + "index.html")
        page.evaluate("async () => { window.Q = await (await fetch('questionnaire.json')).json(); }")
        yield page
    finally:
        page.close()
        server.close()
    assert not errors, errors


def python_plan(q: Questionnaire, doc: dict[str, Any]) -> dict[str, Any]:
    return evaluate_plan(q, parse_answers(LoadedFile("<case>", doc), q))


def plan_diff(expected: dict[str, Any], got: dict[str, Any], name: str) -> str:
    diff = difflib.unified_diff(canonical_json(expected).splitlines(True), canonical_json(got).splitlines(True),
                                f"python: {name}", f"engine.js: {name}", n=2)
    return "".join(diff)


def run_plans(page, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    out: list[dict[str, Any]] = []
    for i in range(0, len(docs), BATCH):
        out += page.evaluate("docs => docs.map(d => ReadinessEngine.plan(Q, d))", docs[i:i + BATCH])
    return out


# ------------------------------------------------------------------ plans


def test_every_conformance_case(engine, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    fixture = json.loads(CONFORMANCE.read_text(encoding="utf-8"))
    assert fixture["questionnaire_sha256"] == hashlib.sha256(questionnaire_json(q).encode()).hexdigest(), \
        "tests/fixtures/conformance.json is stale; run: python -m builder.dev.fixtures"
    cases = fixture["cases"]
    results = run_plans(engine, [c["answers"] for c in cases])
    assert len(results) == len(cases), "every case must run"
    failures = []
    ran = 0
    for case, result in zip(cases, results, strict=True):
        ran += 1
        if result["errors"]:
            failures.append(f"{case['name']}: engine.js rejected the answers: {result['errors']}")
        elif plan_digest(result["plan"]) != case["plan_sha256"]:
            failures.append(plan_diff(python_plan(q, case["answers"]), result["plan"], case["name"]) or case["name"])
    assert ran == len(cases) and ran > 200
    assert not failures, f"{len(failures)} of {ran} cases differ:\n" + "\n".join(failures[:3])


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_example_plans_match_golden_in_full(engine, q: Questionnaire, golden: Path) -> None:  # type: ignore[no-untyped-def]
    af, _ = load_answers(ROOT / "examples" / f"{golden.stem}.yaml", q)
    result = run_plans(engine, [answer_doc(af)])[0]
    assert result["errors"] == []
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert result["plan"] == expected, plan_diff(expected, result["plan"], golden.stem)
    assert canonical_json(result["plan"]) == golden.read_text(encoding="utf-8")


def test_engine_runs_in_node(q: Questionnaire, tmp_path: Path) -> None:
    """engine.js is a classic script that Node can require too: the same plan outside the browser."""
    qfile = tmp_path / "q.json"
    qfile.write_text(questionnaire_json(q), encoding="utf-8")
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    script = (
        "const E = require(process.argv[1]); const fs = require('fs');"
        "const q = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));"
        "const r = E.plan(q, JSON.parse(process.argv[3]));"
        "if (r.errors.length) { console.error(r.errors.join('\\n')); process.exit(1); }"
        "process.stdout.write(JSON.stringify(r.plan));"
    )
    out = subprocess.run(["node", "-e", script, str(ENGINE), str(qfile), json.dumps(answer_doc(af))],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan_digest(plan) == plan_digest(json.loads((GOLDEN / "riverside.json").read_text(encoding="utf-8")))


def test_no_plan_from_engine_js_without_planning_js(browser, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """planning.js is loaded on demand; engine.js without it refuses to plan rather than give a plan with no
    budget, timeline, risks or indicators."""
    af, _ = load_answers(ROOT / "examples" / "riverside.yaml", q)
    page = browser.new_page()
    try:
        page.set_content("<!doctype html><html lang='en'><head><title>engine.js alone</title></head><body></body></html>")
        page.add_script_tag(content=wizard_script("engine.js"))
        said = page.evaluate("([q, d]) => { try { ReadinessEngine.plan(q, d); return 'a plan'; } catch (e) { return e.message; } }",
                             [json.loads(questionnaire_json(q)), answer_doc(af)])
    finally:
        page.close()
    assert said == "planning.js is not loaded: a plan needs it after engine.js"


# ------------------------------------------------------------------ answer-file validation

BASE: dict[str, Any] = {"version": 1, "clinic": {"name": "X"}}
SPACE = "dedicated_room, shared_room, none"
CHAMPIONS = "clinical_staff, managers, patients, none"
TOP = ", ".join(TOP_KEYS)


def with_answers(**answers: Any) -> dict[str, Any]:
    return {**BASE, "answers": answers}


# (document, the messages both validators give, one per problem)
BAD = [
    pytest.param(None, [Msg.EMPTY_ANSWERS.value], id="empty"),
    pytest.param("   ", [Msg.EMPTY_ANSWERS.value], id="blank-text"),
    pytest.param(["budget"], [Msg.NOT_A_MAPPING.value], id="a-list"),
    pytest.param({"clinic": {"name": "X"}}, [Msg.NO_VERSION.value], id="no-version"),
    pytest.param({**BASE, "version": 2}, [Msg.BAD_VERSION.format(version=quote(2))], id="future-version"),
    pytest.param({**BASE, "version": "1"}, [Msg.BAD_VERSION.format(version=quote("1"))], id="version-as-text"),
    pytest.param({**BASE, "version": True}, [Msg.BAD_VERSION.format(version=quote(True))], id="version-true"),
    pytest.param({"version": 1, "answers": {}},
                 [Msg.MISSING_KEY.format(key="clinic", example='clinic: {name: "Riverside Clinic", organisation: "Riverside NHS Trust"}')],
                 id="no-clinic"),
    pytest.param({"version": 1, "clinic": {"name": "  "}}, [Msg.MISSING_KEY.format(key="name", example='name: "Riverside Clinic"')],
                 id="blank-clinic-name"),
    pytest.param({"version": 1, "clinic": "Riverside"},
                 [Msg.WRONG_TYPE.format(key="clinic", expected="a mapping with 'name' and 'organisation'", got="text")], id="clinic-as-text"),
    pytest.param({**BASE, "clinik": {}}, [Msg.UNKNOWN_KEY.format(key="clinik", hint=" (did you mean 'clinic'?)", allowed=TOP)],
                 id="unknown-top-key"),
    pytest.param({"version": 1, "clinic": {"name": "X", "organization": "Y"}},
                 [Msg.UNKNOWN_KEY.format(key="organization", hint=" (did you mean 'organisation'?)", allowed="name, organisation, id, area")],
                 id="unknown-clinic-key"),
    pytest.param({**BASE, "respondent": "Dr Lee"},
                 [Msg.WRONG_TYPE.format(key="respondent", expected="a mapping with 'name' and 'role'", got="text")], id="respondent-as-text"),
    pytest.param({**BASE, "respondent": {"name": "Dr Lee", "rol": "Consultant"}},
                 [Msg.UNKNOWN_KEY.format(key="rol", hint=" (did you mean 'role'?)", allowed="name, role")], id="unknown-respondent-key"),
    pytest.param({**BASE, "assessed_on": "23/11/2026"}, [Msg.BAD_DATE.format(key="assessed_on")], id="bad-date"),
    pytest.param({**BASE, "assessed_on": "2026-02-30"}, [Msg.BAD_DATE.format(key="assessed_on")], id="no-such-day"),
    # Only YYYY-MM-DD (answers.DATE): the other forms Python's date.fromisoformat takes are refused by both engines.
    pytest.param({**BASE, "assessed_on": "20261102"}, [Msg.BAD_DATE.format(key="assessed_on")], id="basic-date"),
    pytest.param({**BASE, "assessed_on": "2026-W45-5"}, [Msg.BAD_DATE.format(key="assessed_on")], id="week-date"),
    pytest.param({**BASE, "assessed_on": "２０２６-11-02"}, [Msg.BAD_DATE.format(key="assessed_on")], id="full-width-digits"),
    pytest.param({**BASE, "respondent_role": ["Manager"]}, [Msg.WRONG_TYPE.format(key="respondent_role", expected="text", got="a list")],
                 id="role-as-list"),
    pytest.param({**BASE, "answers": ["budget"]},
                 [Msg.WRONG_TYPE.format(key="answers", expected="a mapping of question id to answer", got="a list")], id="answers-as-list"),
    pytest.param(with_answers(budjet="none"), [Msg.UNKNOWN_QUESTION.format(question="budjet", hint=" (did you mean 'budget'?)")],
                 id="unknown-question"),
    pytest.param(with_answers(zzz="none"), [Msg.UNKNOWN_QUESTION.format(question="zzz", hint="")], id="unknown-question-no-hint"),
    pytest.param(with_answers(space="big_room"), [Msg.UNKNOWN_OPTION.format(value="big_room", question="space", options=SPACE)],
                 id="unknown-option"),
    pytest.param(with_answers(space=["none"]), [Msg.SINGLE_GIVEN_LIST.format(question="space", options=SPACE)], id="single-as-list"),
    pytest.param(with_answers(champions="patients"), [Msg.MULTI_GIVEN_SINGLE.format(question="champions", value="patients")],
                 id="multi-as-single"),
    pytest.param(with_answers(champions=["patients", "none"]), [Msg.MULTI_EXCLUSIVE.format(question="champions", option="none")],
                 id="exclusive"),
    pytest.param(with_answers(champions=[]), [Msg.MULTI_EMPTY.format(question="champions", options=CHAMPIONS)], id="empty-multi"),
    pytest.param(with_answers(champions=["patients", "patients"]), [Msg.MULTI_DUPLICATE.format(question="champions", option="patients")],
                 id="duplicate-option"),
    pytest.param(with_answers(volunteer_service=True),
                 [Msg.OPTION_EXPECTED.format(question="volunteer_service", example="yes", got="true/false")], id="boolean"),
    pytest.param(with_answers(champions=[1]), [Msg.OPTION_EXPECTED.format(question="champions", example="clinical_staff", got="a number")],
                 id="number-in-list"),
    pytest.param(with_answers(partner_name=["Positive Voices"]), [Msg.TEXT_EXPECTED.format(question="partner_name")], id="text-as-list"),
    pytest.param(with_answers(space={"answer": "none", "notes": "x"}), [Msg.ANSWER_MAPPING.format(question="space", key="notes")],
                 id="bad-answer-mapping"),
    pytest.param(with_answers(space={"answer": "none", "note": 5}), [Msg.NOTE_TEXT.format(question="space")], id="note-not-text"),
    pytest.param(with_answers(budjet="none", space="big_room", champions=[]),
                 [Msg.UNKNOWN_QUESTION.format(question="budjet", hint=" (did you mean 'budget'?)"),
                  Msg.UNKNOWN_OPTION.format(value="big_room", question="space", options=SPACE),
                  Msg.MULTI_EMPTY.format(question="champions", options=CHAMPIONS)],
                 id="every-problem-at-once"),
    # The read limits (builder/core/limits.py), counted as Python counts: a character outside the BMP is one.
    pytest.param({"version": 1, "clinic": {"name": "\U0001F600" * 301, "area": "x" * 300}},
                 [Msg.FIELD_TOO_LONG.format(key="name", length=301, limit=300)], id="name-too-long"),
    pytest.param({**BASE, "respondent_role": "r" * 301, "respondent": {"role": "s" * 301}},
                 [Msg.FIELD_TOO_LONG.format(key="respondent_role", length=301, limit=300),
                  Msg.FIELD_TOO_LONG.format(key="role", length=301, limit=300)], id="roles-too-long"),
    pytest.param(with_answers(partner_name="p" * 4001, space={"answer": "none", "note": "n" * 4001}),
                 [Msg.FIELD_TOO_LONG.format(key="partner_name", length=4001, limit=4000),
                  Msg.FIELD_TOO_LONG.format(key="note", length=4001, limit=4000)], id="text-and-note-too-long"),
    pytest.param({**BASE, "assessed_on": "1999-12-31"}, [Msg.DATE_RANGE.format(key="assessed_on", first=2000, last=2199)],
                 id="date-out-of-range"),
    # The untrusted-text gate (builder/core/text.py): control and invisible characters in names, ids, notes and texts.
    pytest.param({"version": 1, "clinic": {"name": "Hill\u0001side", "organisation": "O\x9b2J", "id": "H\u200b1", "area": "N\u202e"}},
                 [Msg.UNSAFE_CHAR.format(key="name", kind="control", char="U+0001"),
                  Msg.UNSAFE_CHAR.format(key="organisation", kind="control", char="U+009B"),
                  Msg.UNSAFE_CHAR.format(key="id", kind="invisible or direction-changing", char="U+200B"),
                  Msg.UNSAFE_CHAR.format(key="area", kind="invisible or direction-changing", char="U+202E")], id="unsafe-clinic-texts"),
    pytest.param(with_answers(partner_name="a\nb\x1b]0;t\x07", space={"answer": "none", "note": "line\n\tline\u2066"}),
                 [Msg.UNSAFE_CHAR.format(key="partner_name", kind="control", char="U+001B"),
                  Msg.UNSAFE_CHAR.format(key="note", kind="invisible or direction-changing", char="U+2066")], id="unsafe-text-and-note"),
    pytest.param({**BASE, "respondent_role": "a\nb", "respondent": {"name": "\ufeffDr Lee"}},
                 [Msg.UNSAFE_CHAR.format(key="respondent_role", kind="control", char="U+000A"),
                  Msg.UNSAFE_CHAR.format(key="name", kind="invisible or direction-changing", char="U+FEFF")], id="unsafe-respondent"),
    pytest.param({"version": 1, "clinic": {"name": float("inf")}}, [Msg.NOT_A_NUMBER.format(value="inf")], id="infinite-name"),
    pytest.param({"version": 1, "clinic": {"name": ["X"]}}, [Msg.WRONG_TYPE.format(key="name", expected="text", got="a list")],
                 id="name-as-list-said-once"),
    pytest.param({**BASE, "assessed_on": "2199-12-31"}, [Msg.DATE_FUTURE.format(key="assessed_on", date="2199-12-31")],
                 id="date-in-the-future"),
    pytest.param({**BASE, "assumptions": [1]}, [Msg.ASSUMPTIONS_MAPPING.value], id="assumptions-as-list"),
    pytest.param({**BASE, "assumptions": {"peer": 3, "peers": -1, "on_costs": 1.255, "room_rate": "20", "mileage_rate": None}},
                 [Msg.ASSUMPTION_UNKNOWN.format(key="peer", hint=" (did you mean 'peers'?)"),
                  Msg.ASSUMPTION_NUMBER.format(key="peers", got="a negative number"),
                  Msg.ASSUMPTION_NUMBER.format(key="on_costs", got="a number with more than two decimal places"),
                  Msg.ASSUMPTION_NUMBER.format(key="room_rate", got="text"),
                  Msg.ASSUMPTION_NUMBER.format(key="mileage_rate", got="nothing")],
                 id="bad-assumptions"),
]


@pytest.mark.parametrize("doc, expected", BAD)
def test_answer_file_validation_matches_python(engine, q: Questionnaire, doc: Any, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    js = engine.evaluate("d => ReadinessEngine.parseAnswers(d, Q)", doc)
    assert js["answers"] is None
    assert js["errors"] == expected
    with pytest.raises(ReadinessError) as exc:
        parse_answers(LoadedFile("<doc>", doc), q)
    assert [p.message for p in exc.value.problems] == expected


GOOD = [
    pytest.param({**BASE, "questionnaire_version": 1.5, "respondent_role": "Manager "}, id="number-as-text"),
    pytest.param({"version": 1, "clinic": {"name": "  Riverside  ", "organisation": "   "}}, id="padded-names"),
    pytest.param({"version": 1, "respondent": {"name": " Dr Lee ", "role": "Consultant"}, "clinic": {"name": "R", "id": "RVS-01 ", "area": " North"}},
                 id="respondent-clinic-id-area"),
    pytest.param(with_answers(champions=["patients", "clinical_staff"], partner_name="  Positive Voices ",
                              space={"note": "Estates are reviewing rooms"}, budget=None), id="normalised"),
    pytest.param(with_answers(space="none", space_times="varied", note_taking="peer_log", records_storage="agreed"), id="ignored-answers"),
]


@pytest.mark.parametrize("doc", GOOD)
def test_valid_answer_files_normalise_like_python(engine, q: Questionnaire, doc: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    js = engine.evaluate("d => ReadinessEngine.plan(Q, d)", doc)
    assert js["errors"] == []
    expected = python_plan(q, doc)
    assert js["plan"] == expected, plan_diff(expected, js["plan"], "doc")


def test_ignored_answers_are_explained_like_python(engine, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    from builder.core.engine import ignored_answers, walk

    doc = with_answers(space="none", space_times="varied", info_access="none", note_taking="peer_log", records_storage="agreed",
                       champion_group="once")
    js = engine.evaluate("""d => { const af = ReadinessEngine.parseAnswers(d, Q).answers;
        return ReadinessEngine.ignoredAnswers(Q, af, ReadinessEngine.walk(Q, af).steps); }""", doc)
    af = parse_answers(LoadedFile("<doc>", doc), q)
    expected = [list(x) for x in ignored_answers(q, af, walk(q, af)[0])]
    assert js == expected
    assert [qid for qid, _ in expected] == ["champion_group", "space_times", "note_taking", "records_storage"]


def test_message_templates_are_pythons(engine, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """engine.js fills the Msg templates exported with the questionnaire, and holds no copy of its own."""
    templates = engine.evaluate("Q.answer_messages")
    assert set(templates) == set(ANSWER_MESSAGES)
    for name, text in templates.items():
        assert text == Msg[name].value.replace("{version!r}", "{version}").replace("{size:,}", "{size}"), name  # the caller formats
    source = wizard_script("engine.js")
    for name in ANSWER_MESSAGES:
        fixed = Msg[name].value.split("{")[0]
        assert len(fixed) < 12 or fixed not in source, f"engine.js carries a copy of Msg.{name}"
    assert engine.evaluate("ReadinessEngine.MSG") is None


def test_engine_steps_are_in_the_same_order_in_both_engines() -> None:
    """evaluate_plan and evaluatePlan call their steps in one order, so they can be read side by side."""
    import re

    py = (ROOT / "builder" / "core" / "engine.py").read_text(encoding="utf-8")
    js = ENGINE.read_text(encoding="utf-8")
    py_body = py[py.index("def evaluate_plan("):py.index("\ndef ", py.index("def evaluate_plan("))]
    js_body = js[js.index("function evaluatePlan("):js.index("\n  function ", js.index("function evaluatePlan("))]
    py_steps = re.findall(r"= ([a-z_]+)\(ctx", py_body)
    js_steps = re.findall(r"= ([A-Za-z]+)\(ctx", js_body)
    camel = [re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name) for name in py_steps]
    assert len(py_steps) >= 8 and camel == js_steps


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_explanations_come_only_from_rules_that_hold_in_chromium(engine, q: Questionnaire, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    """The same property as tests/test_engine.py, on plans made by engine.js: no sentence appears while its
    condition is false, and a missing must-have is never better than red."""
    af = AnswerFile("Clinic", answers=data.draw(answer_sets(q)))
    result = run_plans(engine, [answer_doc(af)])[0]
    assert result["errors"] == []
    plan = result["plan"]
    parsed = parse_answers(LoadedFile("<case>", answer_doc(af)), q)
    assert explanation_problems(q, parsed, plan) == []
    for item in plan["go_live"]:
        if item["status"] != "met":  # not met, planned or not known yet: never better than red
            assert plan["readiness"]["overall"]["rating"] == "red", item


# ------------------------------------------------------------------ answer files from the wizard's state


def test_answer_doc_from_wizard_state(engine, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    state = {
        "clinic": {"name": "Riverside Sexual Health Clinic", "organisation": ""},
        "respondent_role": "Clinic manager",
        "assessed_on": "2026-11-23",
        "questionnaire_version": "",
        "answers": {
            "space": "none",              # so space_times and space_private are skipped
            "space_times": "varied",      # answered earlier, now skipped: left out
            "champions": ["patients", "clinical_staff"],
            "budget": "none",
            "aims": [],                   # nothing ticked: no answer
            "partner_org": "hiv_peer_org",
            "partner_name": "  ",         # blank text: no answer
        },
        "notes": {"budget": "Bid due in January", "equipment": "Ask estates", "space_times": "dropped with its answer"},
    }
    doc = engine.evaluate("s => ReadinessEngine.answerDoc(Q, s)", state)
    assert doc == {
        "version": 1,
        "questionnaire_version": q.meta.version,
        "assessed_on": "2026-11-23",
        "respondent_role": "Clinic manager",
        "clinic": {"name": "Riverside Sexual Health Clinic"},
        "answers": {
            "budget": {"answer": "none", "note": "Bid due in January"},
            "partner_org": "hiv_peer_org",
            "champions": ["clinical_staff", "patients"],
            "space": "none",
            "equipment": {"answer": None, "note": "Ask estates"},
        },
    }
    assert list(doc["answers"]) == ["budget", "partner_org", "champions", "space", "equipment"], "questionnaire order"
    # The file the wizard saves is a valid version-1 answer file with the same plan in both engines.
    js = engine.evaluate("d => ReadinessEngine.plan(Q, JSON.parse(JSON.stringify(d)))", doc)
    assert js["plan"] == python_plan(q, doc)
    assert js["plan"]["ignored"] == []


def test_answer_doc_keeps_who_and_where_as_the_cli_does(engine, q: Questionnaire) -> None:  # type: ignore[no-untyped-def]
    """The respondent's name and the clinic's id and area, read from an opened file, are written back key for key
    as `readiness assess` writes them (answers.dump_answers), so a review still groups the raters."""
    import yaml

    from builder.core.answers import dump_answers

    state = {
        "clinic": {"name": "Riverside Clinic", "organisation": "Riverside Trust", "id": " RSH-01 ", "area": "North"},
        "respondent_name": "Sam Patel", "respondent_role": "", "assessed_on": "2026-11-23", "questionnaire_version": q.meta.version,
        "answers": {"budget": "none"}, "notes": {}, "assumptions": {"peer_salary": 24000.5},
    }
    doc = engine.evaluate("s => ReadinessEngine.answerDoc(Q, s)", state)
    assert doc["respondent"] == {"name": "Sam Patel"} and doc["clinic"] == {
        "name": "Riverside Clinic", "organisation": "Riverside Trust", "id": "RSH-01", "area": "North"}
    af = parse_answers(LoadedFile("wizard.json", doc, {}), q)
    cli = yaml.safe_load(dump_answers(af, q))
    assert doc == cli and list(doc) == list(cli) and list(doc["clinic"]) == list(cli["clinic"])
    # Emptied on About your clinic (a reference the user cleared, a blank area and name): left out, as the CLI leaves them out.
    state["clinic"].update({"id": "", "area": "   "})
    state["respondent_name"] = " "
    doc = engine.evaluate("s => ReadinessEngine.answerDoc(Q, s)", state)
    assert "respondent" not in doc and doc["clinic"] == {"name": "Riverside Clinic", "organisation": "Riverside Trust"}
    af = parse_answers(LoadedFile("wizard.json", doc, {}), q)
    cli = yaml.safe_load(dump_answers(af, q))
    assert doc == cli and list(doc) == list(cli) and list(doc["clinic"]) == list(cli["clinic"])


def test_wizard_javascript_fits_its_size_budget() -> None:
    """engine.js + ui.js, minified and gzipped, stay within bench/wizard_size.py's budget."""
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "wizard_size.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
