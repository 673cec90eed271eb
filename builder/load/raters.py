"""One answer file's bytes -> a review's Rater, or the reason it is left out (the reading half of builder/core/review.py).

Parsed without line tracking, which is fast; a file that fails is parsed again with it, so its reason names the line.
The same limits as every other command hold first (builder/load/sources.py's scans), before any data is built.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import yaml

from builder.core import limits
from builder.core.answers import parse_answers
from builder.core.contract import ANSWER_FILE_VERSION
from builder.core.errors import Msg, Problem, ReadinessError
from builder.core.parse import UNBUILT, JsonObjects, LoadedFile, load_yaml_checked, parse_json, parse_yaml, scan_json
from builder.core.parse import YamlLoader as Loader
from builder.core.review import ANSWER_SUFFIXES, Excluded, Rater, Review, digest_of, rater_from
from builder.core.schema import Questionnaire


def _readable(given: str, current: str) -> bool:
    """An answer file is read if its questionnaire's major version is this one's or an earlier one.

    The answer-file contract (questionnaire/contract.yaml) keeps every public id of earlier versions,
    and questions added since count as not yet answered; a newer major version may have changed ids.
    """
    a, b = _major(given), _major(current)
    return a == b or (a.isdigit() and b.isdigit() and int(a) <= int(b))


def _major(version: str) -> str:
    return version.split(".", 1)[0].strip()


_STR_TAG = "tag:yaml.org,2002:str"


class _NotPlain(Exception):
    """A node the plain builder leaves to PyYAML's own constructor (a merge key, a key that is a collection, a loop)."""


_PLAIN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("int", "float", "null", "bool"))


class _FastLoader(Loader):
    """The toolkit's YAML rules without line tracking; a key given twice is still an error, as in `readiness plan`."""

    def construct_document(self, node: yaml.Node) -> Any:
        """An answer file's nodes are text, numbers, true/false, null, lists and mappings with text keys: built here
        in one recursive pass, several times faster than PyYAML's general constructor, which builds anything else."""
        try:
            return self._plain(node, {}, set())
        except _NotPlain:
            return super().construct_document(node)

    def _plain(self, node: yaml.Node, made: dict[int, Any], open_: set[int]) -> Any:
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR_TAG:
                return node.value
            if node.tag in _PLAIN_TAGS:
                return self.construct_object(node)
            raise _NotPlain
        key = id(node)
        if key in made:  # an alias: the same object, as PyYAML gives (so an alias never multiplies what is built)
            return made[key]
        if key in open_:
            raise _NotPlain
        open_.add(key)
        if isinstance(node, yaml.SequenceNode):
            value: Any = [self._plain(n, made, open_) for n in node.value]
        else:
            pairs = node.value
            if not all(k.tag == _STR_TAG and isinstance(k, yaml.ScalarNode) for k, _ in pairs):
                raise _NotPlain
            value = {k.value: self._plain(v, made, open_) for k, v in pairs}
            if len(value) != len(pairs):
                raise yaml.MarkedYAMLError(problem="duplicate key", problem_mark=node.start_mark)
        open_.discard(key)
        made[key] = value
        return value

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if all(k.tag == _STR_TAG for k, _ in node.value):  # text keys (every answer file's): a key's text is the key
            texts = [k.value for k, _ in node.value]
            if len(set(texts)) != len(texts):
                raise yaml.MarkedYAMLError(problem="duplicate key", problem_mark=node.start_mark)
            return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]
        keys = [self.construct_object(k, deep=True) for k, _ in node.value]
        hashable = [k for k in keys if isinstance(k, (str, int, float, bool)) or k is None]
        if len(set(hashable)) != len(hashable):
            raise yaml.MarkedYAMLError(problem="duplicate key", problem_mark=node.start_mark)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _load_fast(text: str, file: str, is_json: bool) -> Any:
    """Parse without line tracking (fast); on failure, parse again with it for a located message.

    The same limits as every other command hold first (size, depth, keys, aliases), counted from
    the event stream before any data is built, so a hostile file in a review costs flat memory.
    """
    if len(text) > limits.MAX_BYTES:
        raise ReadinessError([Problem(file, None, Msg.TOO_LARGE.format(size=len(text.encode("utf-8")), limit=limits.MAX_BYTES))])
    try:
        if is_json:
            scan_json(text, file)
            return json.loads(text, parse_float=_finite, object_pairs_hook=JsonObjects())
        data = load_yaml_checked(text, file)  # the limits and the data in one pass, for every answer file
        return yaml.load(text, Loader=_FastLoader) if data is UNBUILT else data  # noqa: S506 - a safe loader
    except (ValueError, yaml.YAMLError):
        (parse_json if is_json else parse_yaml)(text, file)  # raises the located ReadinessError
        raise


def _finite(text: str) -> float:
    """A JSON number as a float; 1e999 (inf to Python) is refused, as parse_json refuses it, with its line."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def read_rater(q: Questionnaire, file: str, raw: bytes) -> Rater | Excluded:
    """One file's bytes -> a Rater, or the reason it is left out. Never raises for bad input."""
    lower = file.lower()
    if not lower.endswith(ANSWER_SUFFIXES):
        return Excluded(file, str(Msg.NOT_ANSWER_SUFFIX))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Excluded(file, str(Msg.NOT_UTF8))
    is_json = lower.endswith(".json")
    try:
        data = _load_fast(text, file, is_json)
    except ReadinessError as exc:
        return _excluded(file, exc)
    except (ValueError, yaml.YAMLError) as exc:  # the located parse did not fail where the fast one did
        return Excluded(file, (Msg.JSON_SYNTAX if is_json else Msg.YAML_SYNTAX).format(problem=str(exc).splitlines()[0]))
    if not isinstance(data, dict) or not ({"version", "clinic", "answers"} & set(data)):
        if data is None or (isinstance(data, str) and not data.strip()):
            return Excluded(file, str(Msg.EMPTY_ANSWERS))
        return Excluded(file, str(Msg.NOT_ANSWER_FILE))
    given = data.get("questionnaire_version")
    if data.get("version") == ANSWER_FILE_VERSION and isinstance(given, (str, int, float)) and not isinstance(given, bool) \
            and not _readable(str(given), q.meta.version):
        return Excluded(file, Msg.UNKNOWN_QVERSION.format(given=given, known=q.meta.version))
    try:
        af = parse_answers(LoadedFile(file, data), q)
    except ReadinessError:
        # Again with line numbers, so the reason says where (only bad files pay for this).
        try:
            src = parse_json(text, file) if is_json else parse_yaml(text, file)
            parse_answers(src, q)
        except ReadinessError as exc:
            return _excluded(file, exc)
        return Excluded(file, Msg.NOT_A_MAPPING)  # pragma: no cover - both parsers agree
    return rater_from(q, file, af, digest_of(data))


def _excluded(file: str, exc: ReadinessError) -> Excluded:
    """The file's problems as one entry: the first, at its line, and how many more."""
    p = exc.problems[0]
    more = len(exc.problems) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''}; run 'readiness plan' on the file to see them all)" if more else ""
    return Excluded(file, p.message + tail, p.line)


def review_files(q: Questionnaire, items: Iterable[tuple[str, bytes]]) -> dict[str, Any]:
    """(display name, bytes) pairs -> the review (the in-process path the tests and small reviews use)."""
    review = Review(q)
    for file, raw in items:
        review.add(read_rater(q, file, raw))
    return review.build()
