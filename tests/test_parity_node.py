"""Parity of the two engines on generated inputs, in Node: no browser, so thousands of cases run in seconds.

The Chromium tests (tests/test_wizard_engine.py) prove engine.js works in a page; these prove it gives the
Python engine's answer on inputs nobody wrote by hand: every conformance case, and Hypothesis-generated
answer files with Unicode names, notes, organisations, dates and assumptions, valid and invalid. A plan
must be identical to the byte; a refused file must give the same messages in the same order.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core.answers import parse_answers
from builder.core.engine import evaluate_plan
from builder.core.errors import ReadinessError
from builder.core.schema import Questionnaire
from builder.dev.fixtures import CONFORMANCE, plan_digest
from builder.load.sources import LoadedFile
from builder.output.export import questionnaire_json
from builder.output.fileio import canonical_json

from .test_engine import answer_sets

SERVER = Path(__file__).parent / "node" / "engine_server.js"

# A failing example prints the questionnaire fixture too; let the failure itself show, not a warning about its size.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


class NodeEngine:
    """One Node process running engine.js, fed answer documents one JSON line at a time."""

    def __init__(self, q: Questionnaire):
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed; run bash scripts/setup.sh")
        self.proc = subprocess.Popen([node, str(SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(questionnaire_json(q).replace("\n", " ") + "\n")
        self.proc.stdin.flush()
        assert json.loads(self.proc.stdout.readline()) == {"ready": True}

    def plans(self, docs: list[Any]) -> list[dict[str, Any]]:
        assert self.proc.stdin and self.proc.stdout
        for doc in docs:
            self.proc.stdin.write(json.dumps(doc, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        return [json.loads(self.proc.stdout.readline()) for _ in docs]

    def close(self) -> None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def node(q: Questionnaire) -> Iterator[NodeEngine]:
    engine = NodeEngine(q)
    yield engine
    engine.close()


def python_result(q: Questionnaire, doc: Any) -> dict[str, Any]:
    try:
        af = parse_answers(LoadedFile("<doc>", doc), q)
    except ReadinessError as exc:
        return {"errors": [p.message for p in exc.problems], "plan": None}
    return {"errors": [], "plan": evaluate_plan(q, af)}


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) < 600 else text[:600] + "..."


def assert_same(q: Questionnaire, doc: Any, js: dict[str, Any]) -> None:
    assert "crash" not in js, f"engine.js threw on {_short(doc)}:\n{js.get('crash')}"
    py = python_result(q, doc)
    assert js["errors"] == py["errors"], f"{_short(doc)}\n  engine.js: {_short(js['errors'])}\n  python:    {_short(py['errors'])}"
    if py["plan"] is not None:
        same = canonical_json(js["plan"]) == canonical_json(py["plan"])
        assert same, f"the plans differ for {_short(doc)}"


def test_every_conformance_case_in_node(node: NodeEngine, q: Questionnaire) -> None:
    cases = json.loads(CONFORMANCE.read_text(encoding="utf-8"))["cases"]
    results = node.plans([c["answers"] for c in cases])
    failures = [c["name"] for c, r in zip(cases, results, strict=True)
                if "crash" in r or r["errors"] or plan_digest(r["plan"]) != c["plan_sha256"]]
    assert len(results) == len(cases) > 200
    assert not failures, f"{len(failures)} of {len(cases)} cases differ in Node: {failures[:5]}"


# Text as people type it, and as files carry it: any letter, mark, space or symbol, astral characters
# (one character to Python, two UTF-16 units to JavaScript), combining marks, NEL and no-break spaces.
_UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_TEXT = st.one_of(_UNICODE, st.sampled_from(["", " ", "\u00a0", "\u0085", "Stra\u00dfe Clinic", "e\u0301", "\U0001F600" * 3,
                                              "\u202eevil", "  padded  ", "x" * 299, "\U0001F600" * 300, "y" * 301]))
_DATE = st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(["2026-02-30", "20261102", "2026-W53-5", "2026-W01-1",
                                                                            "1999-12-31", "2200-01-01", "26-11-2026", "", "2026-1-5"]))


def _doc(q: Questionnaire, draw: st.DrawFn) -> dict[str, Any]:
    answers = draw(answer_sets(q))
    doc: dict[str, Any] = {"version": 1, "clinic": {"name": draw(_TEXT)}}
    for key in ("organisation", "id", "area"):
        if draw(st.booleans()):
            doc["clinic"][key] = draw(_TEXT)
    if draw(st.booleans()):
        doc["assessed_on"] = draw(_DATE)
    if draw(st.booleans()):
        doc["respondent_role"] = draw(_TEXT)
    doc["answers"] = {}
    for qid, answer in answers.items():
        doc["answers"][qid] = {"answer": answer.value, "note": draw(_TEXT)} if draw(st.booleans()) else answer.value
    return doc


@st.composite
def documents(draw: st.DrawFn, q: Questionnaire) -> dict[str, Any]:
    return _doc(q, draw)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_generated_answer_files_give_the_same_plan_or_the_same_errors(node: NodeEngine, q: Questionnaire, data: st.DataObject) -> None:
    doc = data.draw(documents(q))
    assert_same(q, doc, node.plans([doc])[0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | _TEXT,
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(
                            ["version", "clinic", "name", "answers", "answer", "note", "assessed_on", "budget", "space", "champions"]) | _TEXT,
                            inner, max_size=4), max_leaves=12))
def test_malformed_documents_are_refused_alike(node: NodeEngine, q: Questionnaire, doc: Any) -> None:
    """Arbitrary shapes, not just arbitrary answers: both engines refuse (or accept) them with the same words."""
    assert_same(q, doc, node.plans([doc])[0])


# ------------------------------------------------------------------ the budget's notes: one fill rule in both engines

_PIECES = st.sampled_from(["{nation}", "{labels}", "{years}", "{source}", "{date}", "{Nation}", "{nation", "nation}", "{}", "{{nation}}",
                           "{x_y}", "{1}", "£", "é", " ", "Pay is costed on the ", "; "])
_TEXT = st.lists(_PIECES | st.text(max_size=4), max_size=8).map("".join)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases=st.lists(st.tuples(_TEXT, st.dictionaries(st.sampled_from(["nation", "labels", "years", "source", "date"]), _TEXT, max_size=5)),
                      min_size=1, max_size=60))
def test_budget_notes_fill_alike_in_node(cases: list[tuple[str, dict[str, str]]]) -> None:
    """budget.say and planning.js's say() fill a figures.yaml note the same way: every known {field} in one pass (a
    value holding '{nation}' stays as written), anything else left as it is. One Node run per batch of cases."""
    from builder.core.budget import say

    script = ("const E = require(process.argv[1]); const cases = JSON.parse(process.argv[2]);"
              "process.stdout.write(JSON.stringify(cases.map(function (c) { return E.say(c[0], c[1]); })));")
    planning = Path(__file__).parent.parent / "builder" / "wizard" / "planning.js"
    out = subprocess.run(["node", "-e", script, str(planning), json.dumps(cases)], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [say(t, **fields) for t, fields in cases]
