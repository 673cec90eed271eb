"""The route as a decision table (builder/core/decision.py) says exactly what the engine's route rules do."""

from __future__ import annotations

import itertools

import pytest

from builder.core.answers import AnswerFile
from builder.core.conditions import SKIPPED, Value
from builder.core.decision import NOT_ASKED, DecisionTableError, _terms, route_table, table_route
from builder.core.engine import Context, choose_route
from builder.core.schema import Includes, Questionnaire
from builder.render.logicmap import logic_map_markdown


def test_the_table_gives_the_engines_route_for_every_combination_of_answers(q: Questionnaire) -> None:
    """Every answer to every question the table reads, not known yet and skipped included: the first row that fits
    gives the route choose_route gives (the function both plans use; engine.js mirrors it, tests/test_parity_node.py)."""
    columns, rows = route_table(q)
    assert columns and rows
    by_id = {x.id: x for x in q.questions}
    choices = [[o.id for o in by_id[c].options] + [None] + ([NOT_ASKED] if by_id[c].ask_if is not None else []) for c in columns]
    seen = set()
    combinations = 0
    for combo in itertools.product(*choices):
        answers = dict(zip(columns, combo))
        values: dict[str, Value] = {c: (SKIPPED if a == NOT_ASKED else a) for c, a in answers.items()}
        engine, _ = choose_route(Context(q, AnswerFile("Clinic"), [], values, {}, []))
        assert table_route(q, rows, answers) == engine, answers
        seen.add(engine)
        combinations += 1
    assert combinations > 100 and seen == {r.id for r in q.meta.routes.options}, "every route is reached"


def test_rows_keep_the_rules_order_and_every_rule_has_a_row(q: Questionnaire) -> None:
    _, rows = route_table(q)
    assert [r.rule for r in rows] == sorted(r.rule for r in rows)
    assert {r.rule for r in rows} == set(range(len(q.meta.routes.rules)))


def test_the_logic_map_page_shows_the_table(q: Questionnaire) -> None:
    columns, rows = route_table(q)
    page = logic_map_markdown(q, "assets/logic-map.svg")
    table = page.split("## The route as a decision table", 1)[1].split("\n## ", 1)[0]
    lines = [x for x in table.splitlines() if x.startswith("| ")]
    titles = {x.id: x.title for x in q.questions}
    assert lines[0] == "| " + " | ".join(titles[c] for c in columns) + " | Route |"
    assert len(lines) == 1 + len(rows) + 1, "a row for each alternative of each rule, then the default"
    routes = {r.id: r.title for r in q.meta.routes.options}
    assert [x.rsplit("| **", 1)[1].split("**")[0] for x in lines[1:]] == [routes[r.route] for r in rows] + [routes[q.meta.routes.default.route]]


def test_a_rule_the_table_cannot_show_is_refused(q: Questionnaire) -> None:
    multi = next(x for x in q.questions if x.type == "multi")
    with pytest.raises(DecisionTableError, match="cannot show"):
        _terms(Includes(includes=(multi.id, multi.options[0].id)), q)
