"""Files to data: read a YAML or JSON file (or standard input) within the limits, and expand shared rules.

The parsing itself is pure and lives in builder/core/parse.py; its names are re-exported here, so
`from builder.load.sources import LoadedFile` keeps working.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

from builder.core.errors import Msg, Problem, hint
from builder.core.parse import LoadedFile, Path_, YamlLoader, parse_json, parse_yaml, scan_json, scan_json_exactly, scan_yaml  # noqa: F401  (re-exported)
from builder.core.parse import YamlLoader as _Loader  # noqa: F401  (the old private names, until every caller uses core.parse's)
from builder.core.parse import scan_json as _scan_json  # noqa: F401
from builder.core.parse import scan_json_exactly as _scan_json_exactly  # noqa: F401
from builder.core.parse import scan_yaml as _scan_yaml  # noqa: F401
from builder.load.gate import STDIN, STDIN_DISPLAY, is_stdin, read_stdin, read_text  # noqa: F401  (re-exported)


def load(path: Path, display: str | None = None) -> LoadedFile:
    """Load a YAML or (by extension) JSON file; standard input (`-`) is JSON when it starts with `{`, else YAML."""
    if is_stdin(path):
        display = STDIN_DISPLAY if display in (None, STDIN) else display
        text = read_text(path, display)
        return parse_json(text, display) if text.lstrip().startswith("{") else parse_yaml(text, display)
    display = display or str(path)
    text = read_text(path, display)
    if path.suffix.lower() == ".json":
        return parse_json(text, display)
    return parse_yaml(text, display)


_RULE_TEXT = re.compile(r"\{rule:([a-z][a-z0-9_]*)\}")


def expand_shared_rules(src: LoadedFile, rules: dict[str, Any], problems: list[Problem], *, skip: tuple[Any, ...] | None = None) -> None:
    """Replace `{holds: id}` conditions with the shared rule's condition and `{rule:id}` in text with its sentence.

    Done on the loaded data before validation, so every engine, check and export sees the one rule already in place;
    a problem inside an expanded rule is reported at the line that uses it. `skip` is the path not to expand (the
    rules themselves)."""
    def known(name: Any, path: tuple[Any, ...], where: str) -> dict[str, Any] | None:
        rule = rules.get(name) if isinstance(name, str) else None
        if not isinstance(rule, dict):
            problems.append(src.problem(path, Msg.SHARED_RULE.format(where=where, rule=name, hint=hint(str(name), list(rules)))))
            return None
        return rule

    def walk(node: Any, path: tuple[Any, ...]) -> Any:
        if path == skip:
            return node
        if isinstance(node, dict):
            if len(node) == 1 and "holds" in node:
                rule = known(node["holds"], path, "holds")
                return copy.deepcopy(rule.get("when")) if rule is not None else node
            return {k: walk(v, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, (*path, i)) for i, v in enumerate(node)]
        if isinstance(node, str) and "{rule:" in node:
            def says(m: re.Match[str]) -> str:
                rule = known(m.group(1), path, "text")
                return str(rule.get("says", "")) if rule is not None else m.group(0)
            return _RULE_TEXT.sub(says, node)
        return node

    src.data = walk(src.data, ())
