"""Golden plans and conformance fixtures are up to date (regenerate: python -m builder.dev.fixtures)."""

from __future__ import annotations

import json

import pytest

from builder.core.answers import AnswerFile
from builder.core.engine import evaluate_plan
from builder.core.schema import Questionnaire
from builder.dev.fixtures import CONFORMANCE, GOLDEN, build, plan_digest
from builder.load.project import ROOT
from builder.load.sources import LoadedFile
from builder.output.export import questionnaire_json


def test_generated_files_are_up_to_date(q: Questionnaire) -> None:
    stale = [str(p.relative_to(ROOT)) for p, text in build(q).items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"out of date: {stale}; run: python -m builder.dev.fixtures, then review the diff"


def test_conformance_fixture_matches_this_questionnaire(q: Questionnaire) -> None:
    import hashlib

    data = json.loads(CONFORMANCE.read_text(encoding="utf-8"))
    assert data["questionnaire_sha256"] == hashlib.sha256(questionnaire_json(q).encode()).hexdigest()
    names = [c["name"] for c in data["cases"]]
    assert len(names) == len(set(names)), "case names are unique"
    # Every option of every question appears in some case.
    for qu in q.questions:
        for o in qu.options:
            assert any(n.startswith(f"{qu.id}=") and o.id in n.split("=", 1)[1].split("+") for n in names), (qu.id, o.id)


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_golden_plans_match_engine(q: Questionnaire, golden) -> None:  # type: ignore[no-untyped-def]
    from builder.load.answers import load_answers

    af, _ = load_answers(ROOT / "examples" / f"{golden.stem}.yaml", q)
    plan = evaluate_plan(q, af)
    assert plan == json.loads(golden.read_text(encoding="utf-8"))


def test_conformance_cases_replay_in_python(q: Questionnaire) -> None:
    from builder.core.answers import parse_answers

    data = json.loads(CONFORMANCE.read_text(encoding="utf-8"))
    for case in data["cases"]:
        af: AnswerFile = parse_answers(LoadedFile("<case>", case["answers"]), q)
        assert plan_digest(evaluate_plan(q, af)) == case["plan_sha256"], case["name"]
