"""YAML and JSON loading that remembers the line of every key, so errors can say file:line."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Msg, Problem, ReadinessError

Path_ = tuple[str | int, ...]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster


class _Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans, so `yes`, `no`
    and `on` stay the strings that option ids are; dates stay strings too."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class Source:
    """A loaded document plus the 1-based line of each key path in it."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def problem(self, path: Path_, message: str, warning: bool = False) -> Problem:
        return Problem(self.file, self.line(path), message, warning)


def _build(loader: _Loader, node: yaml.Node, path: Path_, lines: dict[Path_, int], src: str, problems: list[Problem]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                key = str(key)
            if key in out:
                problems.append(Problem(src, key_node.start_mark.line + 1, Msg.DUPLICATE_KEY.format(key=key)))
            kpath = (*path, key)  # type: ignore[arg-type]
            lines[kpath] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, kpath, lines, src, problems)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), lines, src, problems) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str) -> Source:
    """Parse YAML text into plain data plus a line map; syntax errors become one located Problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        problems: list[Problem] = []
        lines: dict[Path_, int] = {}
        data = None if node is None else _build(loader, node, (), lines, file, problems)
    except yaml.MarkedYAMLError as exc:
        # An unclosed bracket or quote is only found at the end of the file: point at the
        # last line with text rather than past the end.
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        filled = [i for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.lstrip().startswith("#")]
        if line is not None and filled and line > filled[-1]:
            line = filled[-1]
        problem = f"{exc.context}, {exc.problem}" if exc.context and exc.problem else (exc.problem or exc.context)
        raise ReadinessError([Problem(file, line, Msg.YAML_SYNTAX.format(problem=problem))]) from None
    except yaml.YAMLError as exc:
        raise ReadinessError([Problem(file, None, Msg.YAML_SYNTAX.format(problem=str(exc).splitlines()[0]))]) from None
    finally:
        loader.dispose()
    if problems:
        raise ReadinessError(problems)
    return Source(file, data, lines)


def parse_json(text: str, file: str) -> Source:
    """Parse JSON strictly; borrow line numbers from the YAML parser, which reads JSON too."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReadinessError([Problem(file, exc.lineno, Msg.JSON_SYNTAX.format(problem=exc.msg))]) from None
    try:
        lines = parse_yaml(text, file).lines
    except ReadinessError:
        lines = {}
    return Source(file, data, lines)


def read_text(path: Path, display: str | None = None) -> str:
    display = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReadinessError([Problem(display, None, Msg.NOT_FOUND)]) from None
    except IsADirectoryError:
        raise ReadinessError([Problem(display, None, "is a folder, not a file; give the path of a file")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadinessError([Problem(display, None, Msg.NOT_UTF8)]) from None


def load(path: Path, display: str | None = None) -> Source:
    """Load a YAML or (by extension) JSON file."""
    display = display or str(path)
    text = read_text(path, display)
    if path.suffix.lower() == ".json":
        return parse_json(text, display)
    return parse_yaml(text, display)
