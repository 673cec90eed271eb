"""YAML and JSON text to plain data that remembers the line of every key, so errors can say file:line.

Pure: text in, data out. Every text is held to the limits in limits.py before it is built into data;
reading files is builder/load/sources.py's job.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.core import limits
from builder.core.errors import Msg, Problem, ReadinessError

Path_ = tuple[str | int, ...]


_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster


class YamlLoader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2 booleans: only true/false are booleans, so `yes`, `no`
    and `on` stay the strings that option ids are; dates stay strings too."""


YamlLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


@dataclass
class LoadedFile:
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


_NUMBER = re.compile(r"[-+]?(?:\.?[0-9][0-9_.,:eE+-]*|0[xob][0-9a-fA-F_]+)")


def scan_yaml(text: str, file: str) -> None:
    """Count depth, keys, values, aliases and text lengths from the event stream, before any data is built.

    libyaml's parser is iterative and keeps no document, so this costs flat memory however
    hostile the file; an alias bomb is refused here by its alias count.
    """
    _scan_yaml(text, file, False)


UNBUILT: Any = object()
"""What load_yaml_checked gives for a document it leaves to PyYAML's own constructor."""


def load_yaml_checked(text: str, file: str) -> Any:
    """scan_yaml's limits and, from the same events in the same pass, the document's data: what SafeLoader with the
    toolkit's resolvers (YamlLoader) gives, without line numbers (a review's reading, where the YAML was otherwise
    parsed twice: once to count, once to build). Each limit is checked before the value that breaks it is built.

    Builds text, numbers, true/false, null, lists and mappings with text keys, which is every answer file; for a
    document with anything else (an anchor or alias, a merge key, a key that is not text, a second document) it
    still checks every limit, then gives UNBUILT, and the caller builds it as before. A key given twice raises
    yaml's error, as the loaders do, for the caller's located message."""
    return _scan_yaml(text, file, True)


_RESOLVED: dict[str, str] = {}
"""Plain scalar's text -> its tag (YamlLoader.resolve); a review's thousands of files repeat the same few hundred."""


def _scan_yaml(text: str, file: str, build: bool) -> Any:
    depth = keys = nodes = aliases = 0
    open_: list[list[bool]] = []  # per open collection: [is a mapping, waiting for a key]
    # Building (build=True until something only PyYAML builds is met): per open collection, the list or dict and the
    # key waiting for its value.
    made: list[Any] = []
    key_of: list[Any] = []
    root: Any = None
    documents = 0

    def fail(event: Any, message: str) -> ReadinessError:
        return ReadinessError([Problem(file, event.start_mark.line + 1, message)])

    kinds = _EVENT_KINDS
    resolved = _RESOLVED
    event: Any
    loader = YamlLoader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = kinds.get(type(event))
            if kind is None:
                kind = _event_kind(event)
                if kind is None:  # stream and document events
                    if build and isinstance(event, yaml.DocumentStartEvent):
                        documents += 1
                        build = documents == 1  # more than one: PyYAML's own error, from the caller's load
                    continue
            if kind == _END:
                depth -= 1
                open_.pop()
                if build:
                    value = made.pop()
                    key_of.pop()
                    if not made:
                        root = value
                        continue
                    build = _put(made, key_of, value, event)
                continue
            if open_:
                top = open_[-1]
                if top[0]:
                    if top[1]:
                        keys += 1
                        if keys > limits.MAX_KEYS:
                            raise fail(event, Msg.TOO_MANY_KEYS.format(limit=limits.MAX_KEYS))
                    top[1] = not top[1]
            if kind != _ALIAS and event.tag is not None:  # !!int, !!float, !!python/...: values only as plain YAML writes them
                raise fail(event, Msg.YAML_TAG.format(tag=_short_tag(event.tag)))
            nodes += 1
            if nodes > limits.MAX_NODES:
                raise fail(event, Msg.TOO_MANY_NODES.format(limit=limits.MAX_NODES))
            if kind == _ALIAS:
                aliases += 1
                if aliases > limits.MAX_ALIASES:
                    raise fail(event, Msg.TOO_MANY_ALIASES.format(limit=limits.MAX_ALIASES))
                build = False
            elif kind == _SCALAR:
                value = event.value
                if len(value) > limits.MAX_STRING:
                    raise fail(event, Msg.TOO_LONG.format(length=len(value), limit=limits.MAX_STRING))
                if event.implicit[0] and len(value) > limits.MAX_DIGITS and _NUMBER.fullmatch(value):
                    raise fail(event, Msg.BIG_NUMBER.format(digits=len(value), limit=limits.MAX_DIGITS))
                if build:
                    if event.anchor is not None:
                        build = False
                        continue
                    if event.implicit[0]:  # plain: its tag from its text, as the composer resolves it
                        tag = resolved.get(value)
                        if tag is None:
                            if len(resolved) > 4096:
                                resolved.clear()
                            tag = resolved[value] = loader.resolve(yaml.ScalarNode, value, event.implicit)
                        if tag != _STR:
                            if tag not in _PLAIN or (made and open_[-1][0] and not open_[-1][1]):  # not text, or a key
                                build = False
                                continue
                            value = loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, value))
                    if not made:
                        root = value
                        continue
                    build = _put(made, key_of, value, event)
            else:
                depth += 1
                if depth > limits.MAX_DEPTH:
                    raise fail(event, Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH))
                mapping = kind == _MAPPING
                if build and (event.anchor is not None or (made and open_[-1][0] and not open_[-1][1])):
                    build = False  # an anchor, or a collection as a key
                open_.append([mapping, mapping])
                if build:
                    made.append({} if mapping else [])
                    key_of.append(_NO_KEY)
    finally:
        loader.dispose()
    return root if build else UNBUILT


_STR = "tag:yaml.org,2002:str"
_PLAIN = frozenset("tag:yaml.org,2002:" + t for t in ("int", "float", "null", "bool"))
_NO_KEY: Any = object()


def _put(made: list[Any], key_of: list[Any], value: Any, event: Any) -> bool:
    """Put a value built into the collection that holds it: a list's next item, a mapping's key or its value.
    False when it cannot be built here (a key that is not text)."""
    into = made[-1]
    if type(into) is list:
        into.append(value)
        return True
    key = key_of[-1]
    if key is _NO_KEY:
        if type(value) is not str:
            return False
        key_of[-1] = value
        return True
    if key in into:
        raise yaml.MarkedYAMLError(problem="duplicate key", problem_mark=event.start_mark)
    into[key] = value
    key_of[-1] = _NO_KEY
    return True


def _short_tag(tag: str) -> str:
    """A tag as it was written: 'tag:yaml.org,2002:int' is '!!int'."""
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


_BLOCK_SCALAR = re.compile(r"(?:^|[\s:?-])[|>][0-9+-]*\s*(?:#.*)?$")
_NODE_PREFIX = re.compile(r"^(?:\s*(?:-|\?|:)(?=\s|$))*\s*(?:(?:[&!][^\s]*)\s+)*$|:\s+(?:(?:[&!][^\s]*)\s+)*$")


def scan_yaml_flow_depth(text: str, file: str) -> None:
    """Refuse flow collections (`[`, `{`) nested deeper than MAX_DEPTH, on the raw text, before any YAML library reads it.

    Libraries now stop deep nesting themselves, each at its own depth and in its own words; this
    pass makes the verdict and the message the toolkit's whatever the library's version. It counts
    only brackets that open a collection: not inside quotes, comments or block scalars, and in block
    context only where a node starts. A file with fewer brackets than the limit is passed at once.
    """
    if text.count("[") + text.count("{") <= limits.MAX_DEPTH:
        return
    depth = 0
    quote = ""
    block_indent = -1  # inside a block scalar: lines indented more than this are its text
    for number, line in enumerate(text.splitlines(), 1):
        if block_indent >= 0 and not quote and depth == 0:
            stripped = line.lstrip(" ")
            if not stripped or len(line) - len(stripped) > block_indent:
                continue
            block_indent = -1
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if quote:
                if quote == "'" and c == "'":
                    if i + 1 < n and line[i + 1] == "'":
                        i += 2
                        continue
                    quote = ""
                elif quote == '"' and c == "\\":
                    i += 2
                    continue
                elif quote == '"' and c == '"':
                    quote = ""
                i += 1
                continue
            if c == "#" and (i == 0 or line[i - 1] in " \t"):
                break
            if c in "'\"" and (depth > 0 or _NODE_PREFIX.search(line[:i])):
                quote = c
            elif c in "[{" and (depth > 0 or _NODE_PREFIX.search(line[:i])):
                depth += 1
                if depth > limits.MAX_DEPTH:
                    raise ReadinessError([Problem(file, number, Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH))])
            elif c in "]}" and depth > 0:
                depth -= 1
            i += 1
        if depth == 0 and not quote and _BLOCK_SCALAR.search(line):
            block_indent = len(line) - len(line.lstrip(" "))


_SCALAR, _ALIAS, _MAPPING, _SEQUENCE, _END = range(5)
_EVENT_KINDS: dict[type, int] = {yaml.ScalarEvent: _SCALAR, yaml.AliasEvent: _ALIAS, yaml.MappingStartEvent: _MAPPING,
                                 yaml.SequenceStartEvent: _SEQUENCE, yaml.MappingEndEvent: _END, yaml.SequenceEndEvent: _END}
"""Event classes by kind, looked up by exact type: the scan runs once per event of every file read."""


def _event_kind(event: Any) -> int | None:
    """The kind of an event whose class is not one of the above exactly (a subclass), or None for the rest."""
    for cls, kind in _EVENT_KINDS.items():
        if isinstance(event, cls):
            return kind
    return None


class _Builder:
    """Turns a composed node graph into plain data and a line map, refusing alias loops and blow-ups."""

    def __init__(self, loader: Any, file: str):
        self.loader = loader
        self.file = file
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.built = 0
        self.active: set[int] = set()  # ids of the collections being built: an alias back to one is a loop

    def fail(self, node: yaml.Node, message: str) -> ReadinessError:
        return ReadinessError([Problem(self.file, node.start_mark.line + 1, message)])

    def scalar(self, node: yaml.Node) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except ValueError:  # an integer past Python's digit limit
            raise self.fail(node, Msg.BIG_NUMBER.format(digits=len(str(node.value)), limit=limits.MAX_DIGITS)) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(node, Msg.NOT_A_NUMBER.format(value=node.value))
        return value

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.built += 1
        if self.built > limits.MAX_NODES:  # aliases re-used over and over: refuse before memory grows
            raise self.fail(node, Msg.TOO_MANY_NODES.format(limit=limits.MAX_NODES))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.scalar(node)
        if id(node) in self.active:
            raise self.fail(node, Msg.ALIAS_LOOP)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    key = str(key) if isinstance(key_node, yaml.ScalarNode) else f"<{key_node.id} key>"
                if key in out:
                    self.problems.append(Problem(self.file, key_node.start_mark.line + 1, Msg.DUPLICATE_KEY.format(key=key)))
                kpath: Path_ = (*path, key)  # type: ignore[arg-type]
                self.lines[kpath] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, kpath)
            return out
        finally:
            self.active.discard(id(node))


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, file: str) -> ReadinessError:
    # An unclosed bracket or quote is only found at the end of the file: point at the
    # last line with text rather than past the end.
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    filled = [i for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.lstrip().startswith("#")]
    if line is not None and filled and line > filled[-1]:
        line = filled[-1]
    problem = f"{exc.context}, {exc.problem}" if exc.context and exc.problem else (exc.problem or exc.context)
    return ReadinessError([Problem(file, line, Msg.YAML_SYNTAX.format(problem=problem))])


def parse_yaml(text: str, file: str) -> LoadedFile:
    """Parse YAML text into plain data plus a line map; syntax errors and limits become one located Problem."""
    scan_yaml_flow_depth(text, file)
    try:
        scan_yaml(text, file)
        loader = YamlLoader(text)
        try:
            node = loader.get_single_node()
            builder = _Builder(loader, file)
            data = None if node is None else builder.build(node, ())
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, file) from None
    except yaml.reader.ReaderError as exc:  # a control character such as NUL
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise ReadinessError([Problem(file, line, Msg.YAML_SYNTAX.format(problem=str(exc).splitlines()[0]))]) from None
    except yaml.YAMLError as exc:
        raise ReadinessError([Problem(file, None, Msg.YAML_SYNTAX.format(problem=str(exc).splitlines()[0]))]) from None
    if builder.problems:
        raise ReadinessError(builder.problems)
    return LoadedFile(file, data, builder.lines)


_JSON_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')  # "(?:[^"\\\n]|\\.)*", unrolled: the same strings, far fewer steps
_LONE_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<![0-9a-fA-F]{4})\\u[dD][c-fC-F][0-9a-fA-F]{2}", re.ASCII)
_JSON_CONSTANT = re.compile(r"-?\b(?:NaN|Infinity)\b")
_JSON_NUMBER = re.compile(r"-?[0-9][0-9.eE+-]*")


class _JsonIssue(ValueError):
    def __init__(self, message: str, needle: str | None = None):
        super().__init__(message)
        self.message = message
        self.needle = needle


class JsonObjects:
    """json's object hook for one document: the toolkit's rules on keys, checked as json builds each object (none given
    twice; at most MAX_KEYS keys, and MAX_NODES keys and objects, in all). A break raises a ValueError naming it, which
    parse_json reports at its line. parse_json and a review's quick reading (builder/load/raters.py) both use it; an
    answer file has a handful of objects, so it costs next to nothing."""

    def __init__(self) -> None:
        self.keys = self.nodes = 0

    def __call__(self, items: list[tuple[str, Any]]) -> dict[str, Any]:
        self.keys += len(items)
        self.nodes += len(items) + 1
        if self.keys > limits.MAX_KEYS:
            raise _JsonIssue(Msg.TOO_MANY_KEYS.format(limit=limits.MAX_KEYS))
        if self.nodes > limits.MAX_NODES:
            raise _JsonIssue(Msg.TOO_MANY_NODES.format(limit=limits.MAX_NODES))
        out = dict(items)
        if len(out) != len(items):  # a key given twice: the first, in order
            seen: set[str] = set()
            for key, _ in items:
                if key in seen:
                    raise _JsonIssue(Msg.DUPLICATE_KEY.format(key=key), json.dumps(key, ensure_ascii=False))
                seen.add(key)
        return out


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


_PAIR = re.compile(r"\[\]|\{\}")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_LONG_DIGITS = re.compile(r"[0-9][0-9.eE+-]{" + str(limits.MAX_DIGITS - 1) + "}")
"""A run of number characters long enough that, with a sign, it could pass MAX_DIGITS."""


def scan_json(text: str, file: str) -> None:
    """Depth, lengths, numbers and constants, checked on the raw text before json builds anything.

    A quick pass first, with whole-text regular expressions only: when it shows that no limit can be
    broken (the usual answer file), nothing more is done; otherwise the exact pass below finds the
    first problem and its line. Both passes give the same verdict.
    """
    if (text.count("[") + text.count("{") <= limits.MAX_DEPTH and len(text) <= limits.MAX_STRING + 2
            and "NaN" not in text and "Infinity" not in text and not _LONG_DIGITS.search(text)
            and ("\\u" not in text or not _LONE_SURROGATE.search(text))):
        return  # quicker still, on the raw text (an answer file): each test is the one below on more characters
    bare = _JSON_STRING.sub('""', text)  # the structure, strings emptied
    brackets = _NOT_BRACKET.sub("", bare)
    for _ in range(limits.MAX_DEPTH):  # each pass removes the innermost pairs: balanced within MAX_DEPTH passes = shallow enough
        if not brackets:
            break
        brackets = _PAIR.sub("", brackets)
    quick = (not brackets and len(text) <= limits.MAX_STRING + 2
             and ("\\u" not in text or not _LONE_SURROGATE.search(text))
             and "NaN" not in bare and "Infinity" not in bare and not _LONG_DIGITS.search(bare))
    if not quick:
        scan_json_exactly(text, file)


def scan_json_exactly(text: str, file: str) -> None:
    # Blank out string contents (same length, so offsets stay true) to see only the structure.
    masked = _JSON_STRING.sub(lambda m: '"' + " " * (len(m.group()) - 2) + '"', text)
    depth = 0
    for m in re.finditer(r"[\[\]{}]", masked):
        depth += 1 if m.group() in "[{" else -1
        if depth > limits.MAX_DEPTH:
            raise ReadinessError([Problem(file, _line_at(text, m.start()), Msg.TOO_DEEP.format(limit=limits.MAX_DEPTH))])
    for m in _JSON_STRING.finditer(text):
        if len(m.group()) - 2 > limits.MAX_STRING:
            raise ReadinessError([Problem(file, _line_at(text, m.start()), Msg.TOO_LONG.format(length=len(m.group()) - 2, limit=limits.MAX_STRING))])
        lone = _LONE_SURROGATE.search(m.group())
        if lone:
            raise ReadinessError([Problem(file, _line_at(text, m.start()), Msg.SURROGATE.format(escape=lone.group()))])
    constant = _JSON_CONSTANT.search(masked)
    if constant:
        raise ReadinessError([Problem(file, _line_at(text, constant.start()), Msg.NOT_A_NUMBER.format(value=constant.group()))])
    for n in _JSON_NUMBER.finditer(masked):
        if len(n.group()) > limits.MAX_DIGITS:
            raise ReadinessError([Problem(file, _line_at(text, n.start()), Msg.BIG_NUMBER.format(digits=len(n.group()), limit=limits.MAX_DIGITS))])


def parse_json(text: str, file: str) -> LoadedFile:
    """Parse JSON strictly (duplicate keys and NaN are errors, as in YAML); borrow line numbers from the YAML parser."""
    scan_json(text, file)
    pairs = JsonObjects()

    def constant(value: str) -> Any:
        raise _JsonIssue(Msg.NOT_A_NUMBER.format(value=value), value)

    def number(value: str) -> Any:
        if not any(c in value for c in ".eE"):
            return int(value)
        result = float(value)
        if not math.isfinite(result):  # 1e999: past a float's range, Python would make it inf
            raise _JsonIssue(Msg.NOT_A_NUMBER.format(value=value), value)
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_int=number, parse_float=number)
    except json.JSONDecodeError as exc:
        raise ReadinessError([Problem(file, exc.lineno, Msg.JSON_SYNTAX.format(problem=exc.msg))]) from None
    except _JsonIssue as issue:
        line = None
        if issue.needle:
            hits = [m.start() for m in re.finditer(re.escape(issue.needle) + r"\s*:", text)] or [text.find(issue.needle)]
            hits = [h for h in hits if h >= 0]
            line = _line_at(text, hits[-1]) if hits else None
        raise ReadinessError([Problem(file, line, issue.message)]) from None
    if isinstance(data, float) and not math.isfinite(data):
        raise ReadinessError([Problem(file, 1, Msg.NOT_A_NUMBER.format(value=text.strip()))])
    try:
        lines = parse_yaml(text, file).lines
    except ReadinessError:
        lines = {}
    return LoadedFile(file, data, lines)
