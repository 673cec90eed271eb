"""The package's layers, enforced: no import cycles, the core imports nothing outside the core, and no module
imports another's private names. Imports inside functions count too: they hide a cycle, they do not remove it.

Allowed directions (a layer may import those below it):
    cli, site, dev  ->  output  ->  render, checks  ->  load  ->  core
"""

from __future__ import annotations

import ast
from pathlib import Path

from builder.load.paths import PACKAGE

LAYERS = {"core": 0, "load": 1, "checks": 2, "render": 2, "output": 3, "cli": 4, "site": 4, "dev": 4}
"""A module may import from its own layer and from layers with a smaller number."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, list[tuple[str, str, int]]]:
    """module -> [(imported module, name or '', line)] for every import of the package's own modules."""
    out: dict[str, list[tuple[str, str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        is_pkg = path.name == "__init__.py"
        found: list[tuple[str, str, int]] = []
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".") if is_pkg else name.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                if base.split(".")[0] != "builder":
                    continue
                for alias in node.names:
                    found.append((base, alias.name, node.lineno))
            elif isinstance(node, ast.Import):
                found += [(a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == "builder"]
        out[name] = found
    return out


MODULES = _imports()


def _judge(found: dict[str, str], what: str) -> None:
    """Fail on any violation, each with its module and line. (The re-layout's list of known violations is empty now, so it is gone.)"""
    assert not found, f"{what}:\n" + "\n".join(sorted(found.values()))


def _target(base: str, name: str) -> str:
    """The module an import reaches: `from builder.core import schema` reaches builder.core.schema."""
    return f"{base}.{name}" if f"{base}.{name}" in MODULES else base


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_there_are_layers_to_check() -> None:
    assert len(MODULES) > 40 and {_layer(m) for m in MODULES} >= set(LAYERS.values())


def test_no_layer_imports_one_above_it() -> None:
    wrong: dict[str, str] = {}
    for module, imports in MODULES.items():
        mine = _layer(module)
        for base, name, line in imports:
            theirs = _layer(_target(base, name))
            if mine is not None and theirs is not None and theirs > mine:
                wrong[f"{module} -> {_target(base, name)}"] = f"{module}:{line} imports {_target(base, name)}"
    _judge(wrong, "imports against the layers")


def test_no_import_cycles() -> None:
    graph = {m: {_target(b, n) for b, n, _ in imps if _target(b, n) != m and _target(b, n) in MODULES} for m, imps in MODULES.items()}
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    _judge({"cycle " + " <-> ".join(c): " <-> ".join(c) for c in cycles}, "import cycles")


def test_no_private_names_cross_modules() -> None:
    wrong = {f"{m} imports {name}": f"{m}:{line} imports {name} from {base}" for m, imps in MODULES.items() for base, name, line in imps
             if name.startswith("_") and not name.startswith("__") and _target(base, name) != m}
    _judge(wrong, "private names imported from another module")
