"""Golden plans and the shared conformance fixtures both engines are tested against.

Examples keep their whole expected plan (tests/golden/*.json and *.md, readable diffs);
the generated coverage cases keep the SHA-256 of the expected plan's canonical JSON.

`python -m builder.dev.fixtures` regenerates them all; the tests fail while they are out of date.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from builder.checks.project import load_questionnaire
from builder.checks.questionnaire import witness
from builder.core.answer_schema import ANSWERS_SCHEMA, answer_schema_json
from builder.core.answers import Answer, AnswerFile
from builder.core.conditions import SKIPPED, leaves, question_refs
from builder.core.engine import evaluate_plan
from builder.core.plan_model import PLAN_SCHEMA, plan_schema_json
from builder.core.review_model import REVIEW_SCHEMA, review_schema_json
from builder.core.schema import All, AnyOf, Condition, Hazard, Not, Questionnaire
from builder.load.answers import load_answers
from builder.load.project import ROOT
from builder.output.export import questionnaire_json
from builder.output.fileio import atomic_write, canonical_json
from builder.render.markdown import plan_markdown

GOLDEN = ROOT / "tests" / "golden"
CONFORMANCE = ROOT / "tests" / "fixtures" / "conformance.json"
SCHEMAS = ROOT / "schemas"
"""Published JSON Schemas (the wheel carries them, the site serves them); the example answer files name answers.schema.json."""


def answer_doc(af: AnswerFile) -> dict[str, Any]:
    """An answer file as plain data (the version-1 contract), for JSON fixtures."""
    doc: dict[str, Any] = {"version": 1, "clinic": {"name": af.clinic_name}}
    if af.organisation:
        doc["clinic"]["organisation"] = af.organisation
    for key in ("questionnaire_version", "assessed_on", "respondent_role"):
        if getattr(af, key):
            doc[key] = getattr(af, key)
    doc["answers"] = {k: ({"answer": a.value, "note": a.note} if a.note else a.value) for k, a in af.answers.items()}
    if af.assumptions:
        doc["assumptions"] = {k: v / 100 if v % 100 else v // 100 for k, v in af.assumptions.items()}
    return doc


def plan_digest(plan: dict[str, Any]) -> str:
    """The SHA-256 of a plan's canonical JSON: what a conformance case expects, compactly."""
    return hashlib.sha256(canonical_json(plan).encode("utf-8")).hexdigest()


def coverage_cases(q: Questionnaire, base: AnswerFile) -> list[tuple[str, AnswerFile]]:
    """Every option of every question, on a path that asks it, plus the empty assessment."""
    cases: list[tuple[str, AnswerFile]] = [("empty", AnswerFile("Empty Clinic"))]
    for qu in q.questions:
        reach: dict[str, Any] = {}
        if qu.ask_if is not None:
            found = witness(q, qu.ask_if)
            assert found is not None, qu.id
            reach = {k: v for k, v in found.items() if v is not SKIPPED}
        choices: list[Any]
        if qu.type == "text":
            choices = ["Partner <b>&</b> {{ 7*7 }}"]
        elif qu.type == "single":
            choices = [o.id for o in qu.options]
        else:
            choices = [[o.id] for o in qu.options] + [[o.id for o in qu.options if not o.exclusive]]
        for choice in choices:
            answers = dict(base.answers)
            answers.update({k: Answer(v) for k, v in reach.items()})
            answers[qu.id] = Answer(choice)
            label = choice if isinstance(choice, str) else "+".join(choice)
            cases.append((f"{qu.id}={label}"[:80], AnswerFile("Coverage Clinic", answers=answers)))
            # The same choice with everything else unanswered exercises unknown and pending paths.
            cases.append((f"only {qu.id}={label}"[:80], AnswerFile("Sparse Clinic", answers={**{k: Answer(v) for k, v in reach.items()}, qu.id: Answer(choice)})))
    return cases


def stated_cases(q: Questionnaire, base: AnswerFile) -> list[tuple[str, AnswerFile]]:
    """Each nation the `nation` binding knows, with each employment option costed as paid or sessional staff; and the
    first of them with the stated pay assumption overridden."""
    p, bound = q.planning, q.bindings.nation
    if p is None or bound is None or p.figures.stated is None:
        return []
    emp = p.costs.employment
    paid = [o for o, model in emp.options.items() if model in ("paid", "sessional")]
    out: list[tuple[str, AnswerFile]] = []
    for nation in bound.nations:
        for model in paid:
            answers = {**base.answers, bound.question: Answer(nation), emp.question: Answer(model)}
            out.append((f"stated {nation} {model}", dataclasses.replace(base, answers=answers)))
    if out:
        name, af = out[0]
        out.append((f"{name} own pay", dataclasses.replace(af, assumptions={p.figures.stated.pay: 2600000})))
    return out


def _alone(cond: Condition) -> Iterator[Condition]:
    """For each alternative in `cond` (a branch of an `any`, or a part of a `not: {all: …}`), that alternative
    holding while its siblings do not, so a witness shows the cause holding through that branch alone."""
    branches: list[Condition] = []
    if isinstance(cond, AnyOf):
        branches = list(cond.any_)
    elif isinstance(cond, Not) and isinstance(cond.not_, All):
        branches = [Not(**{"not": c}) for c in cond.not_.all]
    for i, b in enumerate(branches):
        yield All(all=[b, *(Not(**{"not": o}) for j, o in enumerate(branches) if j != i)])
    children = cond.all if isinstance(cond, All) else cond.any_ if isinstance(cond, AnyOf) else []
    for c in children:
        yield from _alone(c)


def hazard_witnesses(q: Questionnaire, h: Hazard) -> list[dict[str, Any]]:
    """Answer assignments where the hazard's cause holds, one for each way it can (each part of the cause, each
    alternative in it on its own, and its 'planned' case, held together with the cause), without repeats, in a
    fixed order."""
    found: list[dict[str, Any]] = []
    extra: list[Condition | None] = [None, h.planned] + [leaf for leaf, _ in leaves(h.cause)]
    extra += [Not(**{"not": leaf}) for leaf, _ in leaves(h.cause)]
    extra += list(_alone(h.cause))
    for cond in extra:
        world = witness(q, h.cause if cond is None else All(all=[h.cause, cond]))
        if world is not None and world not in found:
            found.append(world)
    return found


def hazard_cases(q: Questionnaire) -> list[tuple[str, AnswerFile]]:
    """For every hazard: each way its cause holds, and the same with the answers it hangs on left out (not known)."""
    cases: list[tuple[str, AnswerFile]] = []
    for h in q.hazards.hazards if q.hazards else []:
        for i, world in enumerate(hazard_witnesses(q, h)):
            given = {k: Answer(v) for k, v in world.items() if v is not SKIPPED and v is not None}
            cases.append((f"hazard {h.id}: cause holds {i + 1}", AnswerFile("Hazard Clinic", answers=given, assessed_on="2026-11-02")))
        world = hazard_witnesses(q, h)[0]
        refs = {r[0] for r in question_refs(h.cause)}
        unknown = {k: Answer(v) for k, v in world.items() if k not in refs and v is not SKIPPED and v is not None}
        cases.append((f"hazard {h.id}: cause not known", AnswerFile("Hazard Clinic", answers=unknown, assessed_on="2026-11-02")))
    return cases


def build(q: Questionnaire) -> dict[Path, str]:
    """Every generated fixture file and its content."""
    files: dict[Path, str] = {}
    cases: list[dict[str, Any]] = []
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    base = None
    for path in examples:
        af, _ = load_answers(path, q)
        plan = evaluate_plan(q, af)
        files[GOLDEN / f"{path.stem}.json"] = canonical_json(plan)
        files[GOLDEN / f"{path.stem}.md"] = plan_markdown(plan, q)
        cases.append({"name": f"example {path.stem}", "answers": answer_doc(af), "plan_sha256": plan_digest(plan)})
        if path.stem == "riverside":
            base = af
    assert base is not None
    # Budget assumptions the clinic overrides (answer-file 'assumptions:'), so both engines cost them alike.
    overridden = dataclasses.replace(base, assumptions={"coordinator_hours": 1000, "peers": 600, "mileage_rate": 40, "on_costs": 130})
    cases.append({"name": "riverside with assumptions", "answers": answer_doc(overridden), "plan_sha256": plan_digest(evaluate_plan(q, overridden))})
    # One part of a sum overridden (an employer outside the NHS pays the full pension rate): the multiplier follows it.
    part = dataclasses.replace(base, assumptions={"pension_employer_rate": 2378, "holiday_accrual_rate": 1000})
    cases.append({"name": "riverside with an on-cost part", "answers": answer_doc(part), "plan_sha256": plan_digest(evaluate_plan(q, part))})
    # Paid and sessional peers in each nation, and a pay figure of the clinic's own: both engines state every nation's pay
    # scale, standard week and check fee alike (figures.yaml 'stated'), and the tailored templates with them.
    for name, af in stated_cases(q, base):
        cases.append({"name": name, "answers": answer_doc(af), "plan_sha256": plan_digest(evaluate_plan(q, af))})
    # The safety case's proof in the browser's engine: each hazard's cause holding, and not known (tests/test_hazards.py).
    for name, af in hazard_cases(q):
        cases.append({"name": name, "answers": answer_doc(af), "plan_sha256": plan_digest(evaluate_plan(q, af))})
    for name, af in coverage_cases(q, base):
        cases.append({"name": name, "answers": answer_doc(af), "plan_sha256": plan_digest(evaluate_plan(q, af))})
    files[SCHEMAS / ANSWERS_SCHEMA] = answer_schema_json(q)
    files[SCHEMAS / PLAN_SCHEMA] = plan_schema_json()
    files[SCHEMAS / REVIEW_SCHEMA] = review_schema_json()
    digest = hashlib.sha256(questionnaire_json(q).encode()).hexdigest()
    files[CONFORMANCE] = json.dumps({"questionnaire_sha256": digest, "cases": cases}, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
    return files


def main(argv: list[str]) -> int:
    q = load_questionnaire()
    files = build(q)
    if "--check" in argv:
        stale = [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p.relative_to(ROOT)}: out of date; run: python -m builder.dev.fixtures", file=sys.stderr)
        return 1 if stale else 0
    for path, text in files.items():
        atomic_write(path, text)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
