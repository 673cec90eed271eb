"""The shape of the code, checked from its syntax: no Python function over 100 lines, so a reader can hold each one
whole (a long one splits where its own section comments are, as checks.questionnaire.check and
render.markdown.plan_markdown did); and no question, option or template id written in Python or JavaScript, so
renaming one in the data cannot silently drop tailoring (the code reads ids through templates/bindings.yaml)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from builder.core.schema import Questionnaire
from builder.load.paths import CHECKOUT, PACKAGE

MAX_FUNCTION_LINES = 100
"""From the `def` line to the last line of the body, decorators left out, nested functions counted in their parent."""


def _functions(path: Path) -> list[tuple[str, int, int]]:
    """(qualified name, first line, lines) of every function and method in a file."""
    found: list[tuple[str, int, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert child.end_lineno is not None
                found.append((prefix + child.name, child.lineno, child.end_lineno - child.lineno + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def long_functions(paths: list[Path], limit: int = MAX_FUNCTION_LINES) -> list[str]:
    return [f"{p.relative_to(CHECKOUT) if p.is_relative_to(CHECKOUT) else p}:{line}: {name} is {n} lines; split it (at most {limit})"
            for p in paths for name, line, n in _functions(p) if n > limit]


def test_no_function_is_over_100_lines() -> None:
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 40
    too_long = long_functions(paths)
    assert not too_long, "\n".join(too_long)


@pytest.mark.parametrize("body, expected", [(99, []), (100, ["f"])])
def test_the_length_check_counts_from_def_to_the_last_line(tmp_path: Path, body: int, expected: list[str]) -> None:
    """A function of exactly 100 lines passes and one of 101 fails, methods and nested functions included."""
    lines = ["class C:", "    def f(self):", *["        x = 1"] * body, "", "def g():", "    def inner():", "        pass", "    return inner"]
    path = tmp_path / "m.py"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert [msg.split(": ")[1].split(" ")[0] for msg in long_functions([path])] == [f"C.{n}" for n in expected]
    assert any("g is 4 lines" in m for m in long_functions([path], limit=3))


# ---------------------------------------------------------------- no question, option or template id in code

ALLOWED_IDS = {
    "budget": "the plan's budget section (plan['budget']), a key of the plan's JSON, and the question about staff time",
    "nation": "the nation a budget is costed for (plan['budget']['nation']), a key of the plan's JSON, and the nation question",
}
"""Words that are both an id in the data and a key of the plan's own JSON, so neither can be renamed: both questions
are in questionnaire/contract.yaml (answer files rely on them) and the plan's keys are its contract with readers."""


def data_ids(q: Questionnaire) -> dict[str, str]:
    """Every question id, compound option id and template id, with what it is. A one-word option id ('yes', 'none',
    'planned', 'done') is a word the code uses for its own purposes too, so only option ids with an underscore
    ('hiv_peer_org', 'dedicated_room') are unmistakably the data's: a question's options are read through the question."""
    ids: dict[str, str] = {}
    for qu in q.questions:
        ids.setdefault(qu.id, f"question '{qu.id}'")
        for o in qu.options:
            if "_" in o.id:
                ids.setdefault(o.id, f"option '{o.id}' of question '{qu.id}'")
    for t in q.templates:
        ids.setdefault(t.id, f"template '{t.id}'")
    return ids


def python_strings(text: str) -> Iterator[tuple[int, str]]:
    """(line, value) of every string literal, docstrings and the fixed parts of f-strings included."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


_JS_TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)
  | (?:(?<=[(,=:\[!&|?{};])|(?<=return)|^)\s*(?P<regex>/(?![/*])(?:[^/\\\n\[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*)
""", re.S | re.M | re.X)


def js_strings(text: str) -> Iterator[tuple[int, str]]:
    """(line, value) of every string literal in JavaScript (quotes and template literals), skipping comments and
    regular expression literals so a quote inside either cannot start a string."""
    for m in _JS_TOKEN.finditer(text):
        if m.group("string"):
            yield text.count("\n", 0, m.start("string")) + 1, m.group("string")[1:-1]


def ids_in_code(ids: dict[str, str], files: list[Path]) -> list[str]:
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for line, value in (python_strings(text) if path.suffix == ".py" else js_strings(text)):
            if value in ids and value not in ALLOWED_IDS:
                found.append(f"{path.relative_to(CHECKOUT) if path.is_relative_to(CHECKOUT) else path}:{line}: {ids[value]} is written in code; "
                             "read it through templates/bindings.yaml or the questionnaire instead")
    return found


def test_no_question_option_or_template_id_is_written_in_code(q: Questionnaire) -> None:
    files = sorted(PACKAGE.rglob("*.py")) + sorted((PACKAGE / "wizard").glob("*.js"))
    ids = data_ids(q)
    assert len(ids) > 100 and len(files) > 50
    found = ids_in_code(ids, files)
    assert not found, "\n".join(found)


def test_the_allowed_ids_are_still_ids_and_still_needed(q: Questionnaire) -> None:
    """An allowed word that is no longer an id, or no longer written in code, comes off the list."""
    ids = data_ids(q)
    assert set(ALLOWED_IDS) <= set(ids)
    used = {value for path in sorted(PACKAGE.rglob("*.py")) for _, value in python_strings(path.read_text(encoding="utf-8"))}
    assert set(ALLOWED_IDS) <= used


def test_the_scan_finds_ids_in_strings_but_not_in_comments_or_regular_expressions(tmp_path: Path) -> None:
    ids = {"partner_name": "question 'partner_name'", "hiv_peer_org": "option 'hiv_peer_org'"}
    js = tmp_path / "a.js"
    js.write_text("// 'partner_name' in a comment\nvar re = /[\"']/g; /* \"hiv_peer_org\" */\nvar x = a['partner_name'] + `hiv_peer_org`;\n"
                  "return /'/.test(s) ? \"ok\" : 'fine';\n", encoding="utf-8")
    py = tmp_path / "a.py"
    py.write_text("# 'hiv_peer_org' in a comment\nx = f\"{y}\" + 'partner_name'\n", encoding="utf-8")
    found = ids_in_code(ids, [js, py])
    assert [f.split(": ")[0].rsplit(":", 1)[1] + " " + f.split(": ")[1].split(" is ")[0] for f in found] == [
        "3 question 'partner_name'", "3 option 'hiv_peer_org'", "2 question 'partner_name'"]
    assert [v for _, v in js_strings(js.read_text(encoding="utf-8"))] == ["partner_name", "hiv_peer_org", "ok", "fine"]
