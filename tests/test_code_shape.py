"""The shape of the code, checked from its syntax trees: no Python function over 100 lines, so a reader can hold
each one whole (a long one splits where its own section comments are, as checks.questionnaire.check and
render.markdown.plan_markdown did)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

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
