"""The questionnaire compiled once, at load (builder/core/compiled.py): attached by the loader, one per questionnaire,
released with it, its tests the condition language's own truth table, its indexes the questionnaire's, and no function
of the engine building an index of the questionnaire again for each plan."""

from __future__ import annotations

import ast
import gc
import weakref
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.core import engine
from builder.core.answers import AnswerFile
from builder.core.compiled import Compiled, compile_questionnaire, compiled
from builder.core.conditions import evaluate
from builder.core.engine import evaluate_plan, walk
from builder.core.schema import Equals, Questionnaire
from builder.load.answers import load_answers
from builder.load.project import load_unchecked
from builder.output.fileio import canonical_json

from .conftest import EXAMPLES
from .test_engine import answer_sets


def _every_condition(q: Questionnaire) -> list[object]:
    """Each condition object the engine and the planning steps evaluate, found by walking the models the hard way."""
    found: list[object] = []
    for qu in q.questions:
        found += [c for c in (qu.ask_if, qu.scored_if) if c is not None]
    for d in q.domains:
        found += [g.when for g in d.gates] + [f.when for f in d.findings] + [a.when for a in d.actions if a.when is not None]
    meta = q.meta
    found += [g.when for g in meta.overall.gates] + [r.when for r in meta.routes.rules] + [r.when for r in meta.roles.rules]
    found += [r.when for r in meta.templates.rules if r.when is not None]
    found += [g.met for g in meta.go_live] + [g.planned for g in meta.go_live if g.planned is not None]
    found += [s.when for s in meta.standards.values() if s.when is not None]
    assert q.planning is not None
    found += [line.when for line in q.planning.costs.lines if line.when is not None]
    found += [case.when for a in q.planning.costs.assumptions for case in a.cases if case.when is not None]
    found += [rule.when for rule in q.planning.schedule.owners]
    found += [r.when for r in q.planning.risks.risks if r.when is not None]
    found += [case.when for r in q.planning.risks.risks for case in r.cases]
    found += [i.when for i in q.planning.indicators.indicators if i.when is not None]
    return found


def test_the_loader_attaches_one_compiled_form(q: Questionnaire) -> None:
    held = q.attached()
    assert isinstance(held, Compiled) and held.questionnaire is q
    assert compiled(q) is held and compiled(q) is held, "compiled again instead of read"
    unchecked = load_unchecked().questionnaire
    assert isinstance(unchecked.attached(), Compiled), "load_unchecked compiles too: the checks evaluate conditions"


def test_every_condition_the_plan_reads_has_its_compiled_test(q: Questionnaire) -> None:
    c = compiled(q)
    conditions = _every_condition(q)
    assert len(conditions) > 100
    missing = [cond for cond in conditions if id(cond) not in c.tests]
    assert missing == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_each_compiled_test_gives_the_condition_languages_own_answer(q: Questionnaire, data: st.DataObject) -> None:
    """The table's tests agree with conditions.evaluate on the values routing gives random answers, for every route
    and role set the plan can choose."""
    af = AnswerFile("Clinic", answers=data.draw(answer_sets(q)))
    _, values = walk(q, af)
    route = data.draw(st.sampled_from([None, *(r.id for r in q.meta.routes.options)]))
    roles = data.draw(st.lists(st.sampled_from([r.id for r in q.meta.roles.options]), unique=True))
    c = compiled(q)
    for cond in _every_condition(q):
        assert c.tests[id(cond)](values, route, roles) is evaluate(cond, values, route, roles), cond  # type: ignore[arg-type]


def test_the_indexes_are_the_questionnaires(q: Questionnaire) -> None:
    c = compiled(q)
    assert list(c.questions) == q.questions and list(c.question_by_id) == [qu.id for qu in q.questions]
    assert all(c.domain_by_question[qu.id].id == d.id for d in q.domains for qu in d.questions)
    assert list(c.domain_order) == q.meta.domains and list(c.phase_order) == [p.id for p in q.meta.phases]
    assert [g.id for g in c.go_live_by_id.values()] == [g.id for g in q.meta.go_live]
    assert set(c.action_titles) == {a.id for d in q.domains for a in d.actions} | {f"find_out_{qu.id}" for qu in q.questions}
    assert [tid for tid, _ in c.terms] == sorted(q.local.terms) and [sid for sid, _ in c.standards] == sorted(q.meta.standards)
    assert all(sorted(tids) == tids and all(q.local.terms[t].question == qid for t in tids) for qid, tids in c.terms_by_question.items())


def test_a_copy_with_other_fields_gets_its_own_compiled_form(q: Questionnaire) -> None:
    """A copy carries the original's attachment; it is not used, since it belongs to another questionnaire."""
    fewer = q.model_copy(update={"domains": q.domains[:-1]})
    assert fewer.attached() is q.attached()
    mine = compiled(fewer)
    assert mine is not compiled(q) and mine.questionnaire is fewer and compiled(fewer) is mine
    assert set(mine.question_by_id) == {qu.id for d in q.domains[:-1] for qu in d.questions}


def test_a_questionnaire_made_without_the_loader_plans_the_same(q: Questionnaire) -> None:
    fresh = Questionnaire.model_validate(q.model_dump(by_alias=True, exclude_computed_fields=True))
    assert fresh.attached() is None
    af = load_answers(EXAMPLES[0], q)[0]
    assert canonical_json(evaluate_plan(fresh, af)) == canonical_json(evaluate_plan(q, af))
    assert isinstance(fresh.attached(), Compiled)


def test_the_compiled_form_goes_with_its_questionnaire(q: Questionnaire) -> None:
    """No module-level cache holds a questionnaire (or its conditions) alive once its last user lets go."""
    copy = q.model_copy(update={"domains": list(q.domains)})
    made = compiled(copy)
    cond = Equals.model_validate({"equals": ["x", "y"]})
    assert made.test(cond)({"x": "y"}, None, ()) is True, "a condition from elsewhere is compiled on the spot"
    gone = weakref.ref(copy)
    del copy, made
    gc.collect()
    assert gone() is None


def test_compiling_is_not_where_a_plan_spends_its_time(q: Questionnaire) -> None:
    """Compiling builds a new table every time (so the loader's is the one kept), and the table covers the questionnaire."""
    a, b = compile_questionnaire(q), compile_questionnaire(q)
    assert a is not b and a.tests.keys() == b.tests.keys() and len(a.tests) >= len(_every_condition(q))


_INDEXED = {"questions", "domains", "actions", "go_live", "phases", "templates", "terms"}


def per_plan_indexes(source: str) -> list[str]:
    """function:line of each dict comprehension over the questionnaire's lists inside a module's functions."""
    found = []
    for fn in (n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)):
        for node in ast.walk(fn):
            if isinstance(node, ast.DictComp):
                for gen in node.generators:
                    it = gen.iter
                    while isinstance(it, ast.Call):  # sorted(x), enumerate(x), x.items()
                        it = it.args[0] if isinstance(it.func, ast.Name) and it.args else it.func
                        it = it.value if isinstance(it, ast.Attribute) and it.attr in ("items", "values", "keys") else it
                    if isinstance(it, ast.Attribute) and it.attr in _INDEXED:
                        found.append(f"{fn.name}:{node.lineno}")
    return found


def test_no_engine_step_builds_an_index_of_the_questionnaire_for_each_plan() -> None:
    """A dict comprehension over the questionnaire's lists inside an engine function is an index built per plan: it
    belongs in builder/core/compiled.py."""
    assert per_plan_indexes(Path(engine.__file__).read_text(encoding="utf-8")) == []


def test_the_index_scan_finds_what_the_engine_used_to_do() -> None:
    before = """
def overall(ctx):
    items = {g.id: g for g in ctx.q.meta.go_live}
    terms = {tid: t for tid, t in sorted(ctx.q.local.terms.items())}
    return {d: 1 for d in plan}
"""
    assert per_plan_indexes(before) == ["overall:3", "overall:4"]
