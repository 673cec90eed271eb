"""Cross-reference checks on a shape-valid questionnaire: ids, references, routing, reachability."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder.core.conditions import SKIPPED, Value, evaluate, plan_refs, question_refs
from builder.core.contract import Contract
from builder.core.errors import Msg, Problem, hint
from builder.core.schema import Condition, Question, Questionnaire
from builder.load.paths import Project
from builder.load.sources import LoadedFile

ENUMERATION_LIMIT = 200_000
"""Beyond this many answer combinations a satisfiability check is skipped (never reached by real data)."""


@dataclass
class Rule:
    """A condition somewhere in the questionnaire, with where it lives for error messages."""

    where: str
    source: LoadedFile
    path: tuple[Any, ...]
    cond: Condition | None
    before: int | None
    """Questions at index >= before may not be referred to (ask_if); None: any question."""
    plan_ops: bool
    """Whether route/role tests are allowed (actions and template rules)."""
    kind: str


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
    from builder.checks.hazards import hazard_rules  # the hazard log's causes: the go-live checklist

    yield from hazard_rules(q, sources)
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
    from builder.load.plan_data import planning_rules  # budget, schedule, risk and indicator conditions

    yield from planning_rules(q, sources)


def check(q: Questionnaire, sources: dict[str, LoadedFile], project: Project, *, thorough: bool = True,
          contract: Contract | None = None) -> list[Problem]:
    """Every cross-reference problem in `q` (warnings flagged), in file order."""
    problems: list[Problem] = []
    meta = sources["meta"]
    questions = q.questions
    by_id: dict[str, Question] = {}
    first_at: dict[str, str] = {}

    # Duplicate ids.
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
            by_id.setdefault(qu.id, qu)
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
    from builder.checks.hazards import check_hazards

    problems += check_hazards(q, sources, action_ids, thorough=thorough)
    for d in q.domains:
        finding_ids: dict[str, str] = {}
        for i, f in enumerate(d.findings):
            seen("finding", f.id, sources[d.id], ("findings", i, "id"), finding_ids)
    listed: list[tuple[str, list[str], tuple[str, ...]]] = [
        ("phase", [p.id for p in q.meta.phases], ("phases",)),
        ("route", [r.id for r in q.meta.routes.options], ("routes", "options")),
        ("role", [r.id for r in q.meta.roles.options], ("roles", "options")),
    ]
    for kind, ids, base in listed:
        table: dict[str, str] = {}
        for i, ident in enumerate(ids):
            seen(kind, ident, meta, (*base, i, "id"), table)
    tmpl_table: dict[str, str] = {}
    for i, t in enumerate(q.templates):
        seen("template", t.id, sources["catalog"], (i, "id"), tmpl_table)
    dom_table: dict[str, str] = {}
    for i, did in enumerate(q.meta.domains):
        seen("domain", did, meta, ("domains", i), dom_table)

    # Domain weights and bands.
    weights = q.meta.overall.weights
    if set(weights) != set(q.meta.domains):
        missing = sorted(set(q.meta.domains) - set(weights))
        extra = sorted(set(weights) - set(q.meta.domains))
        parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"unknown {', '.join(extra)}"] if extra else [])
        problems.append(meta.problem(("overall", "weights"), Msg.WEIGHTS.format(problem="; ".join(parts))))
    if q.meta.ratings.amber >= q.meta.ratings.green:
        problems.append(meta.problem(("ratings", "amber"), "ratings: the amber floor must be below the green floor"))

    # References inside conditions, and routing order.
    index = {qu.id: i for i, qu in enumerate(questions)}
    phase_ids = [p.id for p in q.meta.phases]
    route_ids = [r.id for r in q.meta.routes.options]
    role_ids = [r.id for r in q.meta.roles.options]
    template_ids = [t.id for t in q.templates]
    for rule in _rules(q, sources):
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

    problems += _routing_order(q, sources, index)

    # Other references.
    for d in q.domains:
        src = sources[d.id]
        for i, a in enumerate(d.actions):
            if a.phase not in phase_ids:
                problems.append(src.problem(("actions", i, "phase"), Msg.REF_PHASE.format(where=f"action '{a.id}'", phase=a.phase, hint=hint(a.phase, phase_ids), options=", ".join(phase_ids))))
            if a.source.doc not in q.meta.sources:
                problems.append(src.problem(("actions", i, "source", "doc"), Msg.REF_SOURCE.format(where=f"action '{a.id}'", source=a.source.doc, hint=hint(a.source.doc, q.meta.sources))))
    for i, r in enumerate(q.meta.routes.rules):
        if r.route not in route_ids:
            problems.append(meta.problem(("routes", "rules", i, "route"), Msg.REF_ROUTE.format(where=f"route rule {i + 1}", route=r.route, hint=hint(r.route, route_ids), options=", ".join(route_ids))))
    if q.meta.routes.default.route not in route_ids:
        problems.append(meta.problem(("routes", "default", "route"), Msg.REF_ROUTE.format(where="default route", route=q.meta.routes.default.route, hint=hint(q.meta.routes.default.route, route_ids), options=", ".join(route_ids))))
    for i, rr in enumerate(q.meta.roles.rules):
        if rr.role not in role_ids:
            problems.append(meta.problem(("roles", "rules", i, "role"), Msg.REF_ROLE.format(where=f"role rule {i + 1}", role=rr.role, hint=hint(rr.role, role_ids), options=", ".join(role_ids))))
    if q.meta.roles.fallback.role not in role_ids:
        problems.append(meta.problem(("roles", "fallback", "role"), Msg.REF_ROLE.format(where="fallback role", role=q.meta.roles.fallback.role, hint=hint(q.meta.roles.fallback.role, role_ids), options=", ".join(role_ids))))
    for i, trule in enumerate(q.meta.templates.rules):
        if trule.template not in template_ids:
            problems.append(meta.problem(("templates", "rules", i, "template"), Msg.REF_TEMPLATE.format(where=f"template rule {i + 1}", template=trule.template, hint=hint(trule.template, template_ids))))
    for i, tmpl in enumerate(q.templates):
        file = project.templates_dir / "policies" / f"{tmpl.id}.html.j2"
        if not file.exists():
            problems.append(sources["catalog"].problem((i, "id"), Msg.REF_TEMPLATE_FILE.format(template=tmpl.id, file=project.rel(file))))
    standard_ids = list(q.meta.standards)
    for sid, std in q.meta.standards.items():
        if std.source not in q.meta.sources:
            problems.append(meta.problem(("standards", sid, "source"), Msg.REF_SOURCE.format(where=f"standard '{sid}'", source=std.source, hint=hint(std.source, q.meta.sources))))
    tagged: list[tuple[LoadedFile, tuple[Any, ...], str, str]] = [(sources[d.id], ("actions", i, "standards", j), f"action '{a.id}'", s) for d in q.domains for i, a in enumerate(d.actions) for j, s in enumerate(a.standards)]
    tagged += [(sources["catalog"], (i, "standards", j), f"template '{t.id}'", s) for i, t in enumerate(q.templates) for j, s in enumerate(t.standards)]
    for src, path, where, sid in tagged:
        if sid not in standard_ids:
            problems.append(src.problem(path, Msg.REF_STANDARD.format(where=where, standard=sid, hint=hint(sid, standard_ids))))

    problems += _local_terms(q, sources, by_id)
    problems += _guidance_links(q, sources, project)
    from builder.checks.templates import check_bindings, check_templates

    problems += check_bindings(q, sources.get("bindings"))
    problems += check_templates(q, project, sources.get("catalog"))
    if contract is not None:
        problems += _contract(q, sources, contract, template_ids)
    from builder.load.plan_data import check_planning

    problems += check_planning(q, sources)
    if thorough and not any(p for p in problems if not p.warning):
        problems += _satisfiability(q, sources)
    return problems


def _local_terms(q: Questionnaire, sources: dict[str, LoadedFile], by_id: dict[str, Question]) -> list[Problem]:
    """questionnaire/local.yaml: each term's question, options and sources exist; every {term} field used is declared."""
    from builder.core.engine import TERM_FIELD

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
        for field in TERM_FIELD.findall(text):
            if field not in terms:
                problems.append(tsrc.problem(path, Msg.REF_TERM.format(where=where, term=field, hint=hint(field, terms))))
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


def _guidance_links(q: Questionnaire, sources: dict[str, LoadedFile], project: Project) -> list[Problem]:
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


def _domain_values(qu: Question, referenced: set[str]) -> list[Value]:
    """The answers that can make a difference to conditions mentioning `referenced` options."""
    values: list[Value] = []
    if qu.type == "single":
        values = [o.id for o in qu.options]
    elif qu.type == "multi":
        refs = [o for o in qu.options if o.id in referenced]
        others = [o for o in qu.options if o.id not in referenced and not o.exclusive]
        for r in range(len(refs) + 1):
            for combo in itertools.combinations(refs, r):
                if any(o.exclusive for o in combo) and len(combo) > 1:
                    continue
                ids = [o.id for o in combo]
                if not ids:
                    if not others:
                        continue
                    ids = [others[0].id]
                values.append(ids)
    if qu.ask_if is not None:
        values.append(SKIPPED)
    return values


def witness(q: Questionnaire, cond: Condition, plan_ops: bool = False) -> dict[str, Value] | None:
    """An answer assignment under which `cond` holds on a consistent path, or None if none exists.

    Only the questions `cond` depends on (through ask_if, transitively) are enumerated, and
    for multiple choice only the options any of those conditions mention.
    """
    questions = {qu.id: qu for qu in q.questions}
    order = {qu.id: i for i, qu in enumerate(q.questions)}
    needed: set[str] = set()
    mentioned: dict[str, set[str]] = {}
    todo = [cond]
    while todo:
        c = todo.pop()
        for qid, opts, _op, _p in question_refs(c):
            mentioned.setdefault(qid, set()).update(opts)
            if qid not in needed and qid in questions:
                needed.add(qid)
                if questions[qid].ask_if is not None:
                    todo.append(questions[qid].ask_if)  # type: ignore[arg-type]
    var_ids = sorted(needed, key=order.__getitem__)
    domains = [_domain_values(questions[v], mentioned.get(v, set())) for v in var_ids]
    routes: list[str | None] = [r.id for r in q.meta.routes.options] if plan_ops else [None]
    role_sets: list[list[str]] = [[]]
    if plan_ops:
        ids = [r.id for r in q.meta.roles.options]
        role_sets = [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
    total = len(routes) * len(role_sets)
    for dv in domains:
        total *= max(len(dv), 1)
    if total > ENUMERATION_LIMIT:
        return {}
    for combo in itertools.product(*domains):
        values = dict(zip(var_ids, combo))
        if not _consistent(values, var_ids, questions):
            continue
        for route in routes:
            for roles in role_sets:
                if evaluate(cond, values, route, roles) is True:
                    return values
    return None


def _consistent(values: dict[str, Value], var_ids: list[str], questions: dict[str, Question]) -> bool:
    for v in var_ids:
        cond = questions[v].ask_if
        if cond is None:
            continue
        shown = evaluate(cond, values)
        if (values[v] is SKIPPED) == (shown is True):
            return False
    return True


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
