"""The JavaScript mirror cannot drift quietly: builder/wizard/mirror.yaml names, for each public function of the
mirrored Python modules, its JavaScript twin (or says why the browser has none), and lists every function of
engine.js and planning.js. A function added, renamed or removed on one side only fails here, with the fix."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from builder.load.paths import CHECKOUT, PACKAGE

MANIFEST = PACKAGE / "wizard" / "mirror.yaml"
WIZARD = PACKAGE / "wizard"
MIRRORED_JS = ("pycompat.js", "engine.js", "planning.js")
"""The engine's JavaScript: every function in these files is a twin or listed under javascript_only."""

_JS_FUNCTION = re.compile(r"^  function ([A-Za-z_$][\w$]*)\s*\(", re.M)
"""A function of the engine's module scope (the files are one IIFE each, indented two spaces)."""


def python_functions(path: Path) -> list[str]:
    """The public functions a module defines at its top level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and not n.name.startswith("_")]


def js_functions(path: Path) -> set[str]:
    return set(_JS_FUNCTION.findall(path.read_text(encoding="utf-8")))


def _twin(entry: Any) -> str | None:
    """The "file.js name" a manifest entry points at (a twin or `within`), or None for python_only."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, dict) and set(entry) == {"within"}:
        return str(entry["within"])
    assert isinstance(entry, dict) and set(entry) == {"python_only"} and str(entry["python_only"]).strip(), (
        f"{MANIFEST.name}: {entry!r} is neither 'file.js name', {{within: 'file.js name'}} nor {{python_only: why}}")
    return None


def drift(manifest: dict[str, Any], root: Path) -> list[str]:
    """Every way the manifest and the two codebases disagree, one line each, with the fix."""
    problems: list[str] = []
    named: dict[str, set[str]] = {}
    for module, entries in manifest["python"].items():
        path = root / module
        if not path.is_file():
            problems.append(f"{module}: listed in the manifest but missing; remove it from {MANIFEST.name}")
            continue
        defined = python_functions(path)
        for fn in defined:
            if fn not in entries:
                problems.append(f"{module}: {fn} has no line in {MANIFEST.name}; name its JavaScript twin, or say why the browser needs none")
        for fn, entry in entries.items():
            if fn not in defined:
                problems.append(f"{module}: {MANIFEST.name} names {fn}, which the module no longer defines; update the line")
            twin = _twin(entry)
            if twin is None:
                continue
            file, _, name = twin.partition(" ")
            if file not in MIRRORED_JS and not (root / "builder" / "wizard" / file).is_file():
                problems.append(f"{module}: {fn}'s twin is in {file}, which does not exist")
                continue
            if name not in js_functions(root / "builder" / "wizard" / file):
                problems.append(f"{module}: {fn}'s twin {name} is not a function in {file}; add it there or fix the line")
            named.setdefault(file, set()).add(name)
    for file in MIRRORED_JS:
        listed = set(manifest["javascript_only"].get(file, {}))
        for name in sorted(js_functions(root / "builder" / "wizard" / file)):
            if name not in named.get(file, set()) and name not in listed:
                problems.append(f"{file}: {name} is in no line of {MANIFEST.name}; name the Python function it mirrors, or list it under javascript_only with what it stands for")
        for name in sorted(listed - js_functions(root / "builder" / "wizard" / file)):
            problems.append(f"{file}: {MANIFEST.name} lists {name} under javascript_only, but {file} no longer defines it; remove the line")
        for name in sorted(listed & named.get(file, set())):
            problems.append(f"{file}: {name} is both a twin and javascript_only in {MANIFEST.name}; keep one")
    return problems


def _manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) == {"python", "javascript_only"}
    return data


def test_every_mirrored_function_has_its_twin() -> None:
    manifest = _manifest()
    assert len(manifest["python"]) >= 10 and sum(len(v) for v in manifest["python"].values()) > 50
    problems = drift(manifest, CHECKOUT)
    assert not problems, "\n".join(problems)


def _copy(tmp_path: Path) -> Path:
    for rel in [*_manifest()["python"], *(f"builder/wizard/{f}" for f in MIRRORED_JS)]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text((CHECKOUT / rel).read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("file, addition, expected", [
    ("builder/core/budget.py", "\n\ndef monthly_total(x):\n    return x\n", "builder/core/budget.py: monthly_total has no line"),
    ("builder/wizard/planning.js", "\n  function monthlyTotal(x) { return x; }\n", "planning.js: monthlyTotal is in no line"),
])
def test_a_function_added_on_one_side_only_fails(tmp_path: Path, file: str, addition: str, expected: str) -> None:
    root = _copy(tmp_path)
    text = (root / file).read_text(encoding="utf-8")
    if file.endswith(".js"):  # inside the IIFE, before its closing line
        cut = text.rindex("})(")
        text = text[:cut] + addition + text[cut:]
    else:
        text += addition
    (root / file).write_text(text, encoding="utf-8")
    problems = drift(_manifest(), root)
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_a_twin_renamed_in_javascript_fails(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "builder" / "wizard" / "planning.js"
    path.write_text(path.read_text(encoding="utf-8").replace("function lineCost(", "function costOfLine("), encoding="utf-8")
    problems = drift(_manifest(), root)
    assert any("lineCost is not a function in planning.js" in p for p in problems)
    assert any("costOfLine is in no line" in p for p in problems)
