"""The published JSON Schema of answer files: generated from the questionnaire, valid, and agreeing with the toolkit."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from builder.cli.main import cli
from builder.core.answer_schema import ANSWERS_SCHEMA, answer_schema_json
from builder.core.answers import parse_answers
from builder.core.errors import ReadinessError
from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.load.sources import load, parse_json

from .conftest import EXAMPLES

PUBLISHED = ROOT / "schemas" / ANSWERS_SCHEMA
LINE = f"# yaml-language-server: $schema=../schemas/{ANSWERS_SCHEMA}"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_published_schema_is_generated_from_the_questionnaire(q: Questionnaire, runner: CliRunner) -> None:
    assert PUBLISHED.read_text(encoding="utf-8") == answer_schema_json(q), "out of date; run: python -m builder.dev.fixtures"
    shown = runner.invoke(cli, ["schema"])
    assert shown.exit_code == 0 and shown.stdout == answer_schema_json(q)
    schema = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    for qu in q.questions:
        if qu.type == "single":
            assert schema["properties"]["answers"]["properties"][qu.id]["anyOf"][0]["enum"] == [*(o.id for o in qu.options), None]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_names_the_schema_and_follows_it(example: Path, validator: jsonschema.Draft202012Validator) -> None:
    assert example.read_text(encoding="utf-8").splitlines()[0] == LINE
    assert (example.parent / LINE.split("=", 1)[1]).resolve() == PUBLISHED.resolve()
    errors = [e.message for e in validator.iter_errors(load(example).data)]
    assert not errors, errors


def test_every_conformance_case_follows_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    """Hundreds of generated answer files (every option of every question): the schema accepts all that the toolkit does."""
    cases = json.loads((ROOT / "tests" / "fixtures" / "conformance.json").read_text(encoding="utf-8"))["cases"]
    assert len(cases) > 50
    bad = {c["name"]: [e.message for e in validator.iter_errors(c["answers"])][:2] for c in cases}
    assert not {k: v for k, v in bad.items() if v}


def _riverside() -> dict[str, Any]:
    return dict(load(ROOT / "examples" / "riverside.yaml").data)


def _with(change: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(_riverside())
    for key, value in change.items():
        where, _, leaf = key.rpartition(".")
        target = doc
        for part in filter(None, where.split(".")):
            target = target[part]
        if value is _DROP:
            del target[leaf]
        else:
            target[leaf] = value
    return doc


_DROP = object()


@pytest.mark.parametrize("doc", [
    pytest.param(_with({"answers.space": "palace"}), id="unknown-option"),
    pytest.param(_with({"answers.no_such_question": "yes"}), id="unknown-question"),
    pytest.param(_with({"answers.space": ["shared_room"]}), id="list-for-a-single-choice"),
    pytest.param(_with({"clinic": _DROP}), id="no-clinic"),
    pytest.param(_with({"clinic.name": ""}), id="empty-clinic-name"),
    pytest.param(_with({"version": 2}), id="wrong-version"),
    pytest.param(_with({"colour": "blue"}), id="unknown-top-key"),
    pytest.param(_with({"answers.space": {"answer": "shared_room", "mood": "good"}}), id="unknown-answer-key"),
    pytest.param(_with({"assumptions": {"no_such": 1}}), id="unknown-assumption"),
    pytest.param(_with({"assumptions": {"peers": -1}}), id="negative-assumption"),
])
def test_what_the_schema_refuses_the_toolkit_refuses(doc: dict[str, Any], q: Questionnaire,
                                                      validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(doc)), "the schema accepted it"
    with pytest.raises(ReadinessError):
        parse_answers(parse_json(json.dumps(doc), "doc.json"), q)


def test_exclusive_options_stand_alone(q: Questionnaire, validator: jsonschema.Draft202012Validator) -> None:
    multi = next(qu for qu in q.questions if qu.type == "multi" and any(o.exclusive for o in qu.options))
    alone = next(o.id for o in multi.options if o.exclusive)
    other = next(o.id for o in multi.options if not o.exclusive)
    assert not list(validator.iter_errors(_with({f"answers.{multi.id}": [alone]})))
    doc = _with({f"answers.{multi.id}": [other, alone]})
    assert list(validator.iter_errors(doc))
    with pytest.raises(ReadinessError):
        parse_answers(parse_json(json.dumps(doc), "doc.json"), q)


# ------------------------------------------------------------------ plan.json and review.json


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_plan_and_review_schemas_are_generated_from_their_models() -> None:
    """Published as the models generate them (python -m builder.dev.fixtures), on the site as in the package."""
    from builder.core.plan_model import PLAN_SCHEMA, plan_schema_json
    from builder.core.review_model import REVIEW_SCHEMA, review_schema_json

    for name, text in ((PLAN_SCHEMA, plan_schema_json()), (REVIEW_SCHEMA, review_schema_json())):
        assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == text, f"{name} out of date; run: python -m builder.dev.fixtures"
        _validator(name)


@pytest.mark.parametrize("golden", sorted((ROOT / "tests" / "golden").glob("*.json")), ids=lambda p: p.stem)
def test_every_golden_plan_follows_the_plan_schema(golden: Path) -> None:
    from builder.core.plan_model import PLAN_SCHEMA

    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(PLAN_SCHEMA).iter_errors(json.loads(golden.read_text(encoding="utf-8")))]
    assert not errors, errors[:5]


def test_plans_of_every_conformance_case_follow_the_plan_schema(q: Questionnaire) -> None:
    """Beyond the examples: the conformance cases reach unanswered nations, pending local wording, overridden costs."""
    from builder.core.answers import parse_answers_text
    from builder.core.engine import evaluate_plan
    from builder.core.plan_model import PLAN_SCHEMA

    validator = _validator(PLAN_SCHEMA)
    cases = json.loads((ROOT / "tests" / "fixtures" / "conformance.json").read_text(encoding="utf-8"))["cases"]
    for case in cases:
        af = parse_answers_text(json.dumps(case["answers"]), q, "case.json", json_format=True)
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(evaluate_plan(q, af))]
        assert not errors, (case["name"], errors[:5])


def test_the_plan_schema_refuses_what_the_plan_never_holds() -> None:
    from builder.core.plan_model import PLAN_SCHEMA

    validator = _validator(PLAN_SCHEMA)
    plan = json.loads((ROOT / "tests" / "golden" / "riverside.json").read_text(encoding="utf-8"))
    assert validator.is_valid(plan)
    for change in ({"surprise": 1}, {"route": None}, {"readiness": {**plan["readiness"], "overall": {**plan["readiness"]["overall"], "rating": "blue"}}},
                   {"actions": [{**plan["actions"][0], "must": "yes"}]}):
        assert not validator.is_valid({**plan, **change}), change
    del plan["budget"]
    assert not validator.is_valid(plan), "a key the plan always has is required"


def _review(q: Questionnaire) -> dict[str, Any]:
    """A review that reaches every part: the examples, two raters who disagree, and an earlier round."""
    from builder.load.raters import review_files

    items = [(p.name, p.read_bytes()) for p in EXAMPLES]
    text = (ROOT / "examples" / "riverside.yaml").read_text(encoding="utf-8")
    second = text.replace('respondent_role: "Clinic manager"', 'respondent_role: "Peer lead"', 1)
    changed = re.sub(r"(?m)^(  space: )\S+", r"\1none", second, count=1)
    assert changed != second != text
    items.append(("riverside-second-rater.yaml", changed.encode()))
    earlier = re.sub(r"(?m)^assessed_on: .*$", "assessed_on: 2026-01-05", text, count=1)
    items.append(("riverside-january.yaml", earlier.encode()))
    items.append(("not-an-answer-file.yaml", b"just: a mapping\n"))
    return review_files(q, items)


def test_a_review_follows_the_review_schema(q: Questionnaire) -> None:
    from builder.core.review_model import REVIEW_SCHEMA
    from builder.render.review import review_json

    review = json.loads(review_json(_review(q)))
    riverside = next(c for c in review["clinics"] if len(c["raters"]) > 1)
    assert riverside["agreement"] is not None and riverside["earlier"] is not None, "two raters and an earlier round: every part reached"
    assert review["not_included"], "a file left out"
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(REVIEW_SCHEMA).iter_errors(review)]
    assert not errors, errors[:5]
    assert not _validator(REVIEW_SCHEMA).is_valid({**review, "clinics": [{**review["clinics"][0], "extra": True}]})
