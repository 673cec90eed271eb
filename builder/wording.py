"""Conditions in plain English, for people: the logic map, the paper questionnaire's routing and the plan."""

from __future__ import annotations

from .schema import All, AnyOf, Condition, Equals, HasRole, In, Includes, IncludesAny, Not, Questionnaire, RouteIs


def describe(cond: Condition | None, q: Questionnaire) -> str:
    """A condition in words: 'Room is “No space at the moment”'."""
    if cond is None:
        return "always"

    def label(qid: str, oid: str) -> str:
        qu = q.question(qid)
        opt = qu.option(oid) if qu else None
        return f"“{opt.label}”" if opt else oid

    def title(qid: str) -> str:
        qu = q.question(qid)
        return qu.title if qu else qid

    def phrase(leaf: Condition, negated: bool) -> str | None:
        """A question test in words, or None for anything else."""
        if isinstance(leaf, Equals):
            qid, opts, verb = leaf.equals[0], [leaf.equals[1]], ("is not", "is")
        elif isinstance(leaf, In):
            qid, opts, verb = leaf.in_[0], list(leaf.in_[1]), ("is none of", "is")
        elif isinstance(leaf, Includes):
            qid, opts, verb = leaf.includes[0], [leaf.includes[1]], ("does not include", "includes")
        elif isinstance(leaf, IncludesAny):
            qid, opts, verb = leaf.includes_any[0], list(leaf.includes_any[1]), ("includes none of", "includes any of")
        else:
            return None
        joiner = ", " if negated or isinstance(leaf, IncludesAny) else " or "
        return f"{title(qid)} {verb[0] if negated else verb[1]} " + joiner.join(label(qid, o) for o in opts)

    if isinstance(cond, All):
        return " and ".join(_wrap(describe(c, q), c) for c in cond.all)
    if isinstance(cond, AnyOf):
        return " or ".join(_wrap(describe(c, q), c) for c in cond.any_)
    if isinstance(cond, Not):
        return phrase(cond.not_, True) or f"not ({describe(cond.not_, q)})"
    positive = phrase(cond, False)
    if positive is not None:
        return positive
    if isinstance(cond, RouteIs):
        route = next((r.title for r in q.meta.routes.options if r.id == cond.route), cond.route)
        return f"the route is “{route}”"
    if isinstance(cond, HasRole):
        role = next((r.title for r in q.meta.roles.options if r.id == cond.role), cond.role)
        return f"{role} is recommended"
    return str(cond)


def _wrap(text: str, cond: Condition) -> str:
    return f"({text})" if isinstance(cond, (All, AnyOf)) else text


def edge_label(cond: Condition | None) -> str:
    """A short label for a routing edge, with option ids: 'not none', 'shared room'."""
    if cond is None:
        return ""
    words = lambda ids: " or ".join(i.replace("_", " ") for i in ids)  # noqa: E731
    if isinstance(cond, Not):
        return "not " + edge_label(cond.not_)
    if isinstance(cond, Equals):
        return words([cond.equals[1]])
    if isinstance(cond, In):
        return words(cond.in_[1])
    if isinstance(cond, Includes):
        return "has " + words([cond.includes[1]])
    if isinstance(cond, IncludesAny):
        return "has " + words(cond.includes_any[1])
    if isinstance(cond, All):
        return " and ".join(edge_label(c) for c in cond.all)
    if isinstance(cond, AnyOf):
        return " or ".join(edge_label(c) for c in cond.any_)
    return ""
