"""Conditions in plain English, for people: the logic map, the paper questionnaire's routing and the plan; and the
one way a message template's {field}s are filled (fill).

One walker over the condition language (all / any / not and the leaf tests) serves every reader; a
Voice says how a leaf, a negation, the route and a role read for that reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from builder.core.conditions import question_test
from builder.core.schema import All, AnyOf, Condition, Equals, HasRole, In, Includes, IncludesAny, Not, Questionnaire, RouteIs

Leaf = Callable[[Condition, bool, Questionnaire], "str | None"]


@dataclass(frozen=True)
class Voice:
    leaf: Leaf
    """A question test in words (negated or not), or None for anything else."""
    negation: str
    """A negated condition no leaf phrase covers, with {text}."""
    route: str
    """'the route is ...', with {title}."""
    role: str
    """'... is recommended', with {title}."""


def option_label(q: Questionnaire, qid: str, oid: str) -> str:
    qu = q.question(qid)
    opt = qu.option(oid) if qu else None
    return f"“{opt.label}”" if opt else oid


def _plain_leaf(leaf: Condition, negated: bool, q: Questionnaire) -> str | None:
    """'Room is “No space at the moment”', by question title."""
    parts = question_test(leaf)
    if parts is None:
        return None
    qid, opts = parts
    verbs: dict[type, tuple[str, str]] = {Equals: ("is not", "is"), In: ("is none of", "is"), Includes: ("does not include", "includes"),
                                          IncludesAny: ("includes none of", "includes any of")}
    negative, positive = verbs[type(leaf)]
    qu = q.question(qid)
    joiner = ", " if negated or isinstance(leaf, IncludesAny) else " or "
    return f"{qu.title if qu else qid} {negative if negated else positive} " + joiner.join(option_label(q, qid, o) for o in opts)


PLAIN = Voice(leaf=_plain_leaf, negation="not ({text})", route="the route is “{title}”", role="{title} is recommended")
"""The logic map's voice: questions by title."""


def describe(cond: Condition | None, q: Questionnaire, voice: Voice = PLAIN) -> str:
    """A condition in words, in the given voice: 'Room is “No space at the moment”'."""
    if cond is None:
        return "always"
    if isinstance(cond, All):
        return " and ".join(_wrap(describe(c, q, voice), c) for c in cond.all)
    if isinstance(cond, AnyOf):
        return " or ".join(_wrap(describe(c, q, voice), c) for c in cond.any_)
    if isinstance(cond, Not):
        return voice.leaf(cond.not_, True, q) or voice.negation.format(text=describe(cond.not_, q, voice))
    words = voice.leaf(cond, False, q)
    if words is not None:
        return words
    if isinstance(cond, RouteIs):
        return voice.route.format(title=next((r.title for r in q.meta.routes.options if r.id == cond.route), cond.route))
    if isinstance(cond, HasRole):
        return voice.role.format(title=next((r.title for r in q.meta.roles.options if r.id == cond.role), cond.role))
    return str(cond)


def _wrap(text: str, cond: Condition) -> str:
    return f"({text})" if isinstance(cond, (All, AnyOf)) else text


def edge_label(cond: Condition | None) -> str:
    """A short label for a routing edge, with option ids: 'not none', 'shared room'."""
    if cond is None:
        return ""
    if isinstance(cond, Not):
        return "not " + edge_label(cond.not_)
    if isinstance(cond, All):
        return " and ".join(edge_label(c) for c in cond.all)
    if isinstance(cond, AnyOf):
        return " or ".join(edge_label(c) for c in cond.any_)
    parts = question_test(cond)
    if parts is None:
        return ""
    words = " or ".join(i.replace("_", " ") for i in parts[1])
    return "has " + words if isinstance(cond, (Includes, IncludesAny)) else words


_FIELD = re.compile(r"\{(\w+)\}")
_PARTS: dict[str, list[str]] = {}
"""A message template split once into [text, field, text, field, ..., text]: the same few dozen are filled millions of times in a review."""


def fill(template: str, **fields: object) -> str:
    """Fill {name} fields (the same tiny format engine.js uses: no format specs)."""
    parts = _PARTS.get(template)
    if parts is None:
        parts = _FIELD.split(template)
        if len(_PARTS) < 10_000:
            _PARTS[template] = parts
    if len(parts) == 1:
        return template
    out = list(parts)
    for i in range(1, len(parts), 2):
        out[i] = str(fields[parts[i]])
    return "".join(out)
