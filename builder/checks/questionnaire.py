"""Cross-reference checks on a shape-valid questionnaire: ids, references, routing, reachability.

`check` runs the steps in STEPS in order; the plain "this id must be one of those" references are rows of
REFERENCES, applied by one loop (pyxform's reference table is the model), so a new kind of reference is a row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder.checks.hazards import check_hazards, hazard_rules
from builder.checks.planning import check_planning, planning_rules
from builder.checks.rules import ENUMERATION_LIMIT, Rule, witness  # noqa: F401  (re-exported: callers import them from here too)
from builder.checks.templates import check_bindings, check_templates
from builder.core.conditions import plan_refs, question_refs
from builder.core.contract import Contract
from builder.core.engine import TERM_FIELD
from builder.core.errors import Msg, Problem, hint
from builder.core.parse import LoadedFile
from builder.core.schema import Question, Questionnaire
from builder.load.paths import Project


@dataclass
class Context:
    """What every step of the check reads: the model, the files it came from (for lines), the project's folders."""

    q: Questionnaire
    sources: dict[str, LoadedFile]
    project: Project
    contract: Contract | None = None
    thorough: bool = True
    """Whether to search for answers that let each condition hold (slow; `readiness check` and the tests)."""
    templates: bool = True
    """Whether to read the policy templates for the answers and fields they use (a third of the checks' time; every
    command that renders a template checks them, `readiness review`, which renders none, does not)."""
    by_id: dict[str, Question] = field(default_factory=dict)
    """The first question of each id (a duplicate is reported, and the first one wins)."""

    def __post_init__(self) -> None:
        for qu in self.q.questions:
            self.by_id.setdefault(qu.id, qu)


def _rules(q: Questionnaire, sources: dict[str, LoadedFile]) -> Iterator[Rule]:
    meta = sources["meta"]
    index = {qq.id: i for i, qq in enumerate(q.questions)}
    for d in q.domains:
        src = sources[d.id]
        for i, qu in enumerate(d.questions):
            if qu.ask_if is not None:
                yield Rule(f"question '{qu.id}': ask_if", src, ("questions", i, "ask_if"), qu.ask_if, index[qu.id], False, "ask_if")
            if qu.scored_if is not None:
                yield Rule(f"question '{qu.id}': scored_if", src, ("questions", i, "scored_if"), qu.scored_if, None, False, "scored_if")
        for i, f in enumerate(d.findings):
            yield Rule(f"finding '{f.id}'", src, ("findings", i, "when"), f.when, None, False, "finding")
        for i, g in enumerate(d.gates):
            yield Rule(f"gate '{g.id}'", src, ("gates", i, "when"), g.when, None, False, "gate")
        for i, a in enumerate(d.actions):
            yield Rule(f"action '{a.id}'", src, ("actions", i, "when"), a.when, None, True, "action")
    for rid, sr in q.meta.shared_rules.items():
        yield Rule(f"shared rule '{rid}'", meta, ("shared_rules", rid, "when"), sr.when, None, False, "shared")
    yield from hazard_rules(q, sources)  # the hazard log's causes: the go-live checklist
    for i, g in enumerate(q.meta.overall.gates):
        yield Rule(f"overall gate '{g.id}'", meta, ("overall", "gates", i, "when"), g.when, None, False, "gate")
    for i, r in enumerate(q.meta.routes.rules):
        yield Rule(f"route rule {i + 1} ({r.route})", meta, ("routes", "rules", i, "when"), r.when, None, False, "route")
    for i, rr in enumerate(q.meta.roles.rules):
        yield Rule(f"role rule {i + 1} ({rr.role})", meta, ("roles", "rules", i, "when"), rr.when, None, False, "role")
    for i, t in enumerate(q.meta.templates.rules):
        yield Rule(f"template rule {i + 1} ({t.template})", meta, ("templates", "rules", i, "when"), t.when, None, True, "template")
    for i, tmpl in enumerate(q.templates):
        for j, c in enumerate(tmpl.claims):
            yield Rule(f"template '{tmpl.id}' claim '{c.id}'", sources["catalog"], (i, "claims", j, "when"), c.when, None, True, "claim")
    for sid, std in q.meta.standards.items():
        if std.when is not None:
            yield Rule(f"standard '{sid}'", meta, ("standards", sid, "when"), std.when, None, False, "standard")
    yield from planning_rules(q, sources)  # budget, schedule, risk and indicator conditions


def check(q: Questionnaire, sources: dict[str, LoadedFile], project: Project, *, thorough: bool = True,
          contract: Contract | None = None, templates: bool = True) -> list[Problem]:
    """Every cross-reference problem in `q` (warnings flagged), step by step; reachability last, on an otherwise clean model.
    templates=False leaves out what the policy templates read (for a command that renders none)."""
    ctx = Context(q, sources, project, contract, thorough, templates)
    problems: list[Problem] = []
    for step in STEPS:
        problems += step(ctx)
    if thorough and not any(p for p in problems if not p.warning):
        problems += _satisfiability(q, sources)
    return problems


# ------------------------------------------------------------------ ids: each unique in its kind


def _unique_ids(ctx: Context) -> list[Problem]:
    """Duplicate ids of every kind, each problem naming where the id was first used; each question's own shape."""
    q, sources = ctx.q, ctx.sources
    problems: list[Problem] = []
    meta = sources["meta"]
    first_at: dict[str, str] = {}

    def seen(kind: str, ident: str, src: LoadedFile, path: tuple[Any, ...], table: dict[str, str]) -> None:
        where = f"{src.file}:{src.line(path)}"
        if ident in table:
            problems.append(src.problem(path, Msg.DUPLICATE_ID.format(kind=kind, id=ident, first=table[ident])))
        else:
            table[ident] = where

    action_ids: dict[str, str] = {}
    gate_ids: dict[str, str] = {}
    for d in q.domains:
        src = sources[d.id]
        for i, qu in enumerate(d.questions):
            seen("question", qu.id, src, ("questions", i, "id"), first_at)
            opt_ids: dict[str, str] = {}
            for j, o in enumerate(qu.options):
                seen("option", o.id, src, ("questions", i, "options", j, "id"), opt_ids)
            _question_shape(qu, src, ("questions", i), problems)
        for i, a in enumerate(d.actions):
            seen("action", a.id, src, ("actions", i, "id"), action_ids)
        for i, g in enumerate(d.gates):
            seen("gate", g.id, src, ("gates", i, "id"), gate_ids)
        if not any(qu.scored and qu.ask_if is None for qu in d.questions):
            problems.append(src.problem(("questions",), Msg.NO_POINTS.format(where=f"domain '{d.id}'")))
    for i, g in enumerate(q.meta.overall.gates):
        seen("gate", g.id, meta, ("overall", "gates", i, "id"), gate_ids)
    problems += check_hazards(q, sources, action_ids, thorough=ctx.thorough)
    for d in q.domains:
        finding_ids: dict[str, str] = {}
        for i, f in enumerate(d.findings):
            seen("finding", f.id, sources[d.id], ("findings", i, "id"), finding_ids)
    listed: list[tuple[str, LoadedFile, list[str], tuple[Any, ...], str | None]] = [
        ("phase", meta, [p.id for p in q.meta.phases], ("phases",), "id"),
        ("route", meta, [r.id for r in q.meta.routes.options], ("routes", "options"), "id"),
        ("role", meta, [r.id for r in q.meta.roles.options], ("roles", "options"), "id"),
        ("template", sources["catalog"], [t.id for t in q.templates], (), "id"),
        ("domain", meta, list(q.meta.domains), ("domains",), None),
    ]
    for kind, src, ids, base, key in listed:
        table: dict[str, str] = {}
        for i, ident in enumerate(ids):
            seen(kind, ident, src, (*base, i, key) if key else (*base, i), table)
    return problems


def _question_shape(qu: Question, src: LoadedFile, path: tuple[Any, ...], problems: list[Problem]) -> None:
    where = f"question '{qu.id}'"
    if qu.type == "text":
        if qu.options or qu.max_points:
            problems.append(src.problem((*path, "options"), Msg.TEXT_OPTIONS.format(where=where)))
        return
    if not qu.options:
        problems.append(src.problem(path, Msg.NO_OPTIONS.format(where=where, qtype=qu.type)))
    if qu.max_points is not None and qu.type != "multi":
        problems.append(src.problem((*path, "max_points"), Msg.BAD_MAX_POINTS.format(where=where)))
    if qu.scored:
        if qu.ask_if is not None and qu.points_when_skipped is None:
            problems.append(src.problem((*path, "ask_if"), Msg.POINTS_ON_CONDITIONAL.format(where=where)))
        for j, o in enumerate(qu.options):
            if o.points is None:
                problems.append(src.problem((*path, "options", j), Msg.POINTS_MISSING.format(where=where, option=o.id)))


def _weights_and_bands(ctx: Context) -> list[Problem]:
    """Every domain weighted, and nothing else; the amber floor below the green one."""
    q, meta = ctx.q, ctx.sources["meta"]
    problems: list[Problem] = []
    weights = q.meta.overall.weights
    if set(weights) != set(q.meta.domains):
        missing = sorted(set(q.meta.domains) - set(weights))
        extra = sorted(set(weights) - set(q.meta.domains))
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else [])
        problems.append(meta.problem(("overall", "weights"), Msg.WEIGHTS.format(problem="; ".join(parts))))
    if q.meta.ratings.amber >= q.meta.ratings.green:
        problems.append(meta.problem(("ratings", "amber"), "ratings: the amber floor must be below the green floor"))
    return problems


# ------------------------------------------------------------------ references inside conditions


def _condition_references(ctx: Context) -> list[Problem]:
    """Each question a condition tests exists, is not free text, is tested the way its type allows, with its own
    options; route and role tests only where the plan is known (actions, templates, planning)."""
    q, by_id = ctx.q, ctx.by_id
    problems: list[Problem] = []
    route_ids = [r.id for r in q.meta.routes.options]
    role_ids = [r.id for r in q.meta.roles.options]
    for rule in _rules(q, ctx.sources):
        for qid, opts, op, lpath in question_refs(rule.cond):
            path = (*rule.path, *lpath)
            target = by_id.get(qid)
            if target is None:
                problems.append(rule.source.problem(path, Msg.REF_QUESTION.format(where=rule.where, question=qid, hint=hint(qid, by_id))))
                continue
            if target.type == "text":
                problems.append(rule.source.problem(path, Msg.REF_TEXT_QUESTION.format(where=rule.where, question=qid)))
                continue
            wants_multi = op in ("includes", "includes_any")
            if wants_multi != (target.type == "multi"):
                use = "includes or includes_any" if target.type == "multi" else "equals or in"
                problems.append(rule.source.problem(path, Msg.REF_OP_TYPE.format(where=rule.where, op=op, qtype=target.type, question=qid, use=use)))
            valid = [o.id for o in target.options]
            for opt in opts:
                if opt not in valid:
                    problems.append(rule.source.problem(path, Msg.REF_OPTION.format(
                        where=rule.where, option=opt, question=qid, hint=hint(opt, valid), options=", ".join(valid))))
        for kind, ident, lpath in plan_refs(rule.cond):
            path = (*rule.path, *lpath)
            if not rule.plan_ops:
                problems.append(rule.source.problem(path, Msg.REF_PLAN_OP.format(where=rule.where, op=kind)))
            elif kind == "route" and ident not in route_ids:
                problems.append(rule.source.problem(path, Msg.REF_ROUTE.format(where=rule.where, route=ident, hint=hint(ident, route_ids), options=", ".join(route_ids))))
            elif kind == "role" and ident not in role_ids:
                problems.append(rule.source.problem(path, Msg.REF_ROLE.format(where=rule.where, role=ident, hint=hint(ident, role_ids), options=", ".join(role_ids))))
    return problems


def _routing(ctx: Context) -> list[Problem]:
    return _routing_order(ctx.q, ctx.sources, {qu.id: i for i, qu in enumerate(ctx.q.questions)})


# ------------------------------------------------------------------ the reference table

Named = tuple[LoadedFile, tuple[Any, ...], str, str]
"""Where an id is named: (file, key path, the thing that names it for the message, the id)."""


@dataclass(frozen=True)
class Reference:
    """One row of the reference table: where ids of one kind are named, the ids they must be among, and the message."""

    named: Callable[[Questionnaire, dict[str, LoadedFile]], Iterator[Named]]
    valid: Callable[[Questionnaire], list[str]]
    message: Msg
    """Formatted with where, the id under `field`, hint (did you mean) and options (the valid ids)."""
    field: str


def _phases(q: Questionnaire) -> list[str]:
    return [p.id for p in q.meta.phases]


def _routes(q: Questionnaire) -> list[str]:
    return [r.id for r in q.meta.routes.options]


def _roles(q: Questionnaire) -> list[str]:
    return [r.id for r in q.meta.roles.options]


def _templates(q: Questionnaire) -> list[str]:
    return [t.id for t in q.templates]


def _sources(q: Questionnaire) -> list[str]:
    return list(q.meta.sources)


def _standards(q: Questionnaire) -> list[str]:
    return list(q.meta.standards)


def _action_phases(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    return ((s[d.id], ("actions", i, "phase"), f"action '{a.id}'", a.phase) for d in q.domains for i, a in enumerate(d.actions))


def _action_sources(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    return ((s[d.id], ("actions", i, "source", "doc"), f"action '{a.id}'", a.source.doc) for d in q.domains for i, a in enumerate(d.actions))


def _route_rules(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    yield from ((s["meta"], ("routes", "rules", i, "route"), f"route rule {i + 1}", r.route) for i, r in enumerate(q.meta.routes.rules))
    yield s["meta"], ("routes", "default", "route"), "default route", q.meta.routes.default.route


def _role_rules(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    yield from ((s["meta"], ("roles", "rules", i, "role"), f"role rule {i + 1}", r.role) for i, r in enumerate(q.meta.roles.rules))
    yield s["meta"], ("roles", "fallback", "role"), "fallback role", q.meta.roles.fallback.role


def _template_rules(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    return ((s["meta"], ("templates", "rules", i, "template"), f"template rule {i + 1}", t.template) for i, t in enumerate(q.meta.templates.rules))


def _standard_sources(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    return ((s["meta"], ("standards", sid, "source"), f"standard '{sid}'", std.source) for sid, std in q.meta.standards.items())


def _tagged_standards(q: Questionnaire, s: dict[str, LoadedFile]) -> Iterator[Named]:
    yield from ((s[d.id], ("actions", i, "standards", j), f"action '{a.id}'", sid)
                for d in q.domains for i, a in enumerate(d.actions) for j, sid in enumerate(a.standards))
    yield from ((s["catalog"], (i, "standards", j), f"template '{t.id}'", sid) for i, t in enumerate(q.templates) for j, sid in enumerate(t.standards))


REFERENCES: tuple[Reference, ...] = (
    Reference(_action_phases, _phases, Msg.REF_PHASE, "phase"),
    Reference(_action_sources, _sources, Msg.REF_SOURCE, "source"),
    Reference(_route_rules, _routes, Msg.REF_ROUTE, "route"),
    Reference(_role_rules, _roles, Msg.REF_ROLE, "role"),
    Reference(_template_rules, _templates, Msg.REF_TEMPLATE, "template"),
    Reference(_standard_sources, _sources, Msg.REF_SOURCE, "source"),
    Reference(_tagged_standards, _standards, Msg.REF_STANDARD, "standard"),
)
"""Every plain reference outside conditions: an action's phase and source, the routes, roles and templates the rules
name, the sources and standards cited. Conditions, the hazard log, the planning files and the templates' own reads
have steps of their own (below), since each needs more than membership."""


def _references(ctx: Context) -> list[Problem]:
    problems: list[Problem] = []
    for ref in REFERENCES:
        valid = ref.valid(ctx.q)
        for src, path, where, ident in ref.named(ctx.q, ctx.sources):
            if ident not in valid:
                problems.append(src.problem(path, ref.message.format(where=where, hint=hint(ident, valid), options=", ".join(valid), **{ref.field: ident})))
    return problems


def _template_files(ctx: Context) -> list[Problem]:
    """Each template in the catalog has its source file."""
    problems: list[Problem] = []
    for i, tmpl in enumerate(ctx.q.templates):
        file = ctx.project.templates_dir / "policies" / f"{tmpl.id}.html.j2"
        if not file.exists():
            problems.append(ctx.sources["catalog"].problem((i, "id"), Msg.REF_TEMPLATE_FILE.format(template=tmpl.id, file=ctx.project.rel(file))))
    return problems


def _template_reads(ctx: Context) -> list[Problem]:
    """bindings.yaml's ids, and every answer, term and field the templates read."""
    bindings = check_bindings(ctx.q, ctx.sources.get("bindings"))
    return (bindings + check_templates(ctx.q, ctx.project, ctx.sources.get("catalog"))) if ctx.templates else bindings


def _contract_ids(ctx: Context) -> list[Problem]:
    return _contract(ctx.q, ctx.sources, ctx.contract, _templates(ctx.q)) if ctx.contract is not None else []


def _planning(ctx: Context) -> list[Problem]:
    return check_planning(ctx.q, ctx.sources)


def _local_terms(ctx: Context) -> list[Problem]:
    """questionnaire/local.yaml: each term's question, options and sources exist; every {term} field used is declared."""
    q, sources, by_id = ctx.q, ctx.sources, ctx.by_id
    problems: list[Problem] = []
    terms = q.local.terms
    src = sources.get("local")
    for tid, term in terms.items():
        assert src is not None  # terms only come from local.yaml
        target = by_id.get(term.question)
        if target is None or target.type != "single":
            problem = "not a question" + hint(term.question, by_id) if target is None else f"a {target.type} question"
            problems.append(src.problem(("terms", tid, "question"), Msg.TERM_QUESTION.format(term=tid, question=term.question, problem=problem)))
            continue
        valid = [o.id for o in target.options]
        for oid in term.values:
            if oid not in valid:
                problems.append(src.problem(("terms", tid, "values", oid), Msg.TERM_OPTION.format(
                    term=tid, option=oid, question=term.question, hint=hint(oid, valid), options=", ".join(valid))))
        for j, doc in enumerate(term.sources):
            if doc not in q.meta.sources:
                problems.append(src.problem(("terms", tid, "sources", j), Msg.REF_SOURCE.format(where=f"term '{tid}'", source=doc, hint=hint(doc, q.meta.sources))))
    texts: list[tuple[LoadedFile, tuple[Any, ...], str, str]] = []
    for d in q.domains:
        texts += [(sources[d.id], ("actions", i, "detail"), f"action '{a.id}'", a.detail) for i, a in enumerate(d.actions)]
        texts += [(sources[d.id], ("findings", i, "text"), f"finding '{f.id}'", f.text) for i, f in enumerate(d.findings)]
    texts += [(sources["meta"], ("templates", "rules", i, "reason"), f"template rule {i + 1} ({t.template})", t.reason)
              for i, t in enumerate(q.meta.templates.rules)]
    for tsrc, path, where, text in texts:
        for name in TERM_FIELD.findall(text):
            if name not in terms:
                problems.append(tsrc.problem(path, Msg.REF_TERM.format(where=where, term=name, hint=hint(name, terms))))
    return problems


def _routing_order(q: Questionnaire, sources: dict[str, LoadedFile], index: dict[str, int]) -> list[Problem]:
    """Each ask_if may refer only to earlier questions; report cycles as cycles."""
    problems: list[Problem] = []
    deps = {qu.id: [r[0] for r in question_refs(qu.ask_if) if r[0] in index] for qu in q.questions}

    cycles: dict[str, list[str] | None] = {}

    def cycle_from(start: str) -> list[str] | None:
        """The shortest routing cycle through `start`, or None: a breadth-first search with a visited set,
        so each question is looked at once per start (never every path, which doubles with each question)."""
        if start in cycles:
            return cycles[start]
        parent: dict[str, str] = {}
        frontier = [start]
        found: str | None = None
        while frontier and found is None:
            nxt_frontier: list[str] = []
            for node in frontier:
                for nxt in deps.get(node, []):
                    if nxt == start:
                        found = node
                        break
                    if nxt not in parent:
                        parent[nxt] = node
                        nxt_frontier.append(nxt)
                if found is not None:
                    break
            frontier = nxt_frontier
        cycle = None
        if found is not None:
            trail = [found]
            while trail[-1] != start:
                trail.append(parent[trail[-1]])
            cycle = trail[::-1] + [start]
        cycles[start] = cycle
        return cycle

    for d in q.domains:
        src = sources[d.id]
        for i, qu in enumerate(d.questions):
            for qid, _opts, _op, lpath in question_refs(qu.ask_if):
                if qid not in index:
                    continue
                path = ("questions", i, "ask_if", *lpath)
                where = f"question '{qu.id}': ask_if"
                if qid == qu.id:
                    problems.append(src.problem(path, Msg.REF_SELF.format(where=where)))
                elif index[qid] > index[qu.id]:
                    cyc = cycle_from(qu.id)
                    if cyc:
                        problems.append(src.problem(path, Msg.REF_CYCLE.format(where=where, cycle=" -> ".join(cyc))))
                    else:
                        problems.append(src.problem(path, Msg.REF_FORWARD.format(where=where, question=qid)))
    return problems


# ------------------------------------------------------------------ guidance links

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ATTR_ID = re.compile(r"\{[^}]*#([A-Za-z][\w-]*)[^}]*\}\s*$")
_HTML_ID = re.compile(r"""\bid=["']([^"']+)["']""")


def slugify(text: str) -> str:
    """The anchor mkdocs gives a heading: Python-Markdown's own toc slug of the heading's text."""
    from markdown.extensions.toc import slugify as toc_slugify

    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link's text stands in the heading
    text = re.sub(r"[`*]", "", text)  # emphasis and code marks are not rendered
    return toc_slugify(text, "-")


def anchors(page: Path) -> set[str]:
    """The anchors a guidance page defines: explicit {#id} attributes, HTML ids and heading slugs."""
    found: set[str] = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code:
            continue
        found.update(_HTML_ID.findall(line))
        m = _HEADING.match(line)
        if m:
            explicit = _ATTR_ID.search(m.group(2))
            if explicit:
                found.add(explicit.group(1))
            else:
                found.add(slugify(m.group(2).rstrip("#").strip()))
    return found


def guidance_target(project: Project, link: str) -> tuple[Path, str | None]:
    page, _, anchor = link.partition("#")
    return project.guidance_dir / page, (anchor or None)


def _guidance_links(ctx: Context) -> list[Problem]:
    """Every guidance link lands on a page, and on an anchor that page defines."""
    q, sources, project = ctx.q, ctx.sources, ctx.project
    problems: list[Problem] = []
    cache: dict[Path, set[str]] = {}
    pages = sorted(str(p.relative_to(project.guidance_dir)) for p in project.guidance_dir.rglob("*.md")) if project.guidance_dir.exists() else []

    def check_link(src: LoadedFile, path: tuple[Any, ...], where: str, link: str) -> None:
        page, anchor = guidance_target(project, link)
        rel = link.partition("#")[0]
        if not page.is_file():
            problems.append(src.problem(path, Msg.GUIDANCE_PAGE.format(where=where, page=rel, hint=hint(rel, pages))))
            return
        if anchor:
            if page not in cache:
                cache[page] = anchors(page)
            if anchor not in cache[page]:
                problems.append(src.problem(path, Msg.GUIDANCE_ANCHOR.format(where=where, page=rel, anchor=anchor, hint=hint(anchor, cache[page]))))

    for d in q.domains:
        src = sources[d.id]
        check_link(src, ("guidance",), f"domain '{d.id}'", d.guidance)
        for i, qu in enumerate(d.questions):
            check_link(src, ("questions", i, "guidance"), f"question '{qu.id}'", qu.guidance)
    meta = sources["meta"]
    for key, choices in (("routes", q.meta.routes.options), ("roles", q.meta.roles.options)):
        for i, c in enumerate(choices):
            check_link(meta, (key, "options", i, "guidance"), f"{key[:-1]} '{c.id}'", c.guidance)
    for sid, s in q.meta.sources.items():
        check_link(meta, ("sources", sid, "page"), f"source '{sid}'", s.page)
    for i, t in enumerate(q.templates):
        check_link(sources["catalog"], (i, "guidance"), f"template '{t.id}'", t.guidance)
    return problems


def _contract(q: Questionnaire, sources: dict[str, LoadedFile], contract: Contract, template_ids: list[str]) -> list[Problem]:
    """Every public id in contract.yaml still exists with its type and options."""
    problems: list[Problem] = []
    lock = sources["contract"]
    for tid in contract.templates:
        if tid not in template_ids:
            problems.append(lock.problem(("templates",), Msg.REF_TEMPLATE.format(where="contract", template=tid, hint=hint(tid, template_ids)) + " (the plan contract needs it)"))
    for qid, public in contract.questions.items():
        qtype, options = public.type, public.options
        qu = q.question(qid)
        if qu is None:
            problems.append(lock.problem(("questions", qid), Msg.CONTRACT_QUESTION.format(question=qid)))
            continue
        src = sources[q.domain_of(qid).id]
        path = ("questions", q.domain_of(qid).questions.index(qu))
        if qu.type != qtype:
            problems.append(src.problem((*path, "type"), Msg.CONTRACT_TYPE.format(question=qid, expected=qtype)))
        for opt in options:
            if qu.option(opt) is None:
                problems.append(src.problem((*path, "options"), Msg.CONTRACT_OPTION.format(question=qid, option=opt)))
        if qu.ask_if is not None and not public.may_be_skipped:
            problems.append(src.problem((*path, "ask_if"), Msg.CONTRACT_CONDITION.format(question=qid)))
    return problems


# ------------------------------------------------------------------ satisfiability


def _satisfiability(q: Questionnaire, sources: dict[str, LoadedFile]) -> list[Problem]:
    problems: list[Problem] = []
    for rule in _rules(q, sources):
        if rule.cond is None:
            continue
        if witness(q, rule.cond, rule.plan_ops) is None:
            msg = (Msg.UNREACHABLE.format(where=rule.where.split(":")[0], question=rule.where.split("'")[1])
                   if rule.kind == "ask_if" else Msg.NEVER_FIRES.format(where=rule.where))
            problems.append(rule.source.problem(rule.path, msg))
    return problems


STEPS: tuple[Callable[[Context], list[Problem]], ...] = (_unique_ids, _contract_ids, _weights_and_bands, _condition_references, _routing, _references,
         _template_files, _local_terms, _guidance_links, _template_reads, _planning)
"""The steps of `check`, in order: the problems come out in this order, each step's in file order. The public
contract comes straight after the ids: a broken promise to other clinics' answer files is the cause to show first,
before the many references it breaks in turn (only the first MAX_SHOWN problems are printed)."""
