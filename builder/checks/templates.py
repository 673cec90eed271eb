"""Checks of what the templates and templates/bindings.yaml read: every id exists, every template parses.

A template that reads `answers.get("community_work")` depends on that question id, and one that
compares the answer with "yes" depends on that option. Renaming either in the questionnaire must
fail `readiness check` with the template's file and line, not silently drop the tailoring.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from builder.core.bindings import NationBinding, NetworkBinding
from builder.core.errors import Msg, Problem, ReadinessError, hint
from builder.core.schema import Questionnaire
from builder.load.gate import read_text
from builder.load.paths import Project
from builder.load.sources import LoadedFile
from builder.load.template_loader import MAX_TEMPLATE, inside, links_outside

ANSWERS = "answers"
"""The name under which every template sees the clinic's answers, by question id."""

RULES = "rules"
"""The name under which a template sees the shared rules (questionnaire.yaml), each true while it holds."""

CLAIMS = "claims"
"""The name under which a template sees its catalog claims, each true only while its condition holds."""


def check_bindings(q: Questionnaire, src: LoadedFile | None) -> list[Problem]:
    """Every question, option and template id named in bindings.yaml exists."""
    if src is None:
        return []
    problems: list[Problem] = []
    b = q.bindings
    template_ids = [t.id for t in q.templates]

    def question(path: tuple[Any, ...], qid: str, types: tuple[str, ...]) -> bool:
        qu = q.question(qid)
        if qu is None:
            problems.append(src.problem(path, Msg.REF_QUESTION.format(where="bindings", question=qid, hint=hint(qid, [x.id for x in q.questions]))))
            return False
        if qu.type not in types:
            problems.append(src.problem(path, Msg.BINDING_TYPE.format(question=qid, qtype=qu.type, expected=" or ".join(types))))
            return False
        return True

    def options(path: tuple[Any, ...], qid: str, ids: list[str]) -> None:
        qu = q.question(qid)
        assert qu is not None
        valid = [o.id for o in qu.options]
        for oid in ids:
            if oid not in valid:
                problems.append(src.problem((*path, oid) if path else path, Msg.REF_OPTION.format(
                    where="bindings", option=oid, question=qid, hint=hint(oid, valid), options=", ".join(valid))))

    if b.partner is not None:
        if question(("partner", "question"), b.partner.question, ("single",)):
            options(("partner", "no_partner"), b.partner.question, b.partner.no_partner)
            options(("partner", "phrases"), b.partner.question, list(b.partner.phrases))
        if b.partner.name_question:
            question(("partner", "name_question"), b.partner.name_question, ("text",))
    for key, binding in b:  # each binding's key in bindings.yaml comes from the model, so no question id is written here
        if isinstance(binding, NetworkBinding) and question((key, "question"), binding.question, ("single",)):
            options((key, "interested"), binding.question, binding.interested)
        elif isinstance(binding, NationBinding) and question((key, "question"), binding.question, ("single",)):
            options((key, "nations"), binding.question, list(binding.nations))
    if b.partnership_split is not None:
        route_ids = [r.id for r in q.meta.routes.options]
        for key in ("own_routes", "hub_routes"):
            for i, rid in enumerate(getattr(b.partnership_split, key)):
                if rid not in route_ids:
                    problems.append(src.problem(("partnership_split", key, i), Msg.REF_ROUTE.format(
                        where="bindings", route=rid, hint=hint(rid, route_ids), options=", ".join(route_ids))))
    if b.policy_checklist is not None:
        if question(("policy_checklist", "question"), b.policy_checklist.question, ("multi",)):
            options(("policy_checklist", "templates"), b.policy_checklist.question, list(b.policy_checklist.templates))
        for oid, tid in b.policy_checklist.templates.items():
            if tid not in template_ids:
                problems.append(src.problem(("policy_checklist", "templates", oid), Msg.REF_TEMPLATE.format(
                    where="bindings", template=tid, hint=hint(tid, template_ids))))
    if b.pathway is not None:
        step_ids = [s.id for s in b.pathway.steps]
        for name, slot in b.pathway.slots.items():
            if question(("pathway", "slots", name, "question"), slot.question, ("single",)):
                options(("pathway", "slots", name, "phrases"), slot.question, list(slot.phrases))
        fields = {*b.pathway.slots, "role"}
        for i, step in enumerate(b.pathway.steps):
            for field in _format_fields(step.text):
                if field not in fields:
                    problems.append(src.problem(("pathway", "steps", i, "text"), Msg.BINDING_FIELD.format(
                        field=field, hint=hint(field, fields), fields=", ".join(sorted(fields)))))
        if b.pathway.loop is not None:
            for key, sid in (("from", b.pathway.loop.from_step), ("to", b.pathway.loop.to_step)):
                if sid not in step_ids:
                    problems.append(src.problem(("pathway", "loop", key), Msg.BINDING_STEP.format(step=sid, hint=hint(sid, step_ids))))
    return problems


def _format_fields(text: str) -> list[str]:
    import string

    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:
        return ["{"]


# ------------------------------------------------------------------ templates


def check_templates(q: Questionnaire, project: Project, catalog: LoadedFile | None = None) -> list[Problem]:
    """Every template parses, and every answer id and option it reads exists in the questionnaire."""
    problems: list[Problem] = []
    for rel in links_outside(project.templates_dir):  # the renderer refuses them; say so before anything renders
        problems.append(Problem(f"{project.rel(project.templates_dir)}/{rel}", None, Msg.TEMPLATE_OUTSIDE.format(name=rel)))
    env = SandboxedEnvironment()
    for path in sorted(project.templates_dir.rglob("*.j2")):
        rel = project.rel(path)
        if inside(project.templates_dir, path.relative_to(project.templates_dir).as_posix()) is None:
            continue  # reported above
        try:
            tree = env.parse(read_text(path, rel, MAX_TEMPLATE), name=rel, filename=str(path))
        except TemplateSyntaxError as exc:
            problems.append(Problem(rel, exc.lineno, Msg.TEMPLATE_SYNTAX.format(problem=exc.message or "syntax error")))
            continue
        except ReadinessError as exc:
            problems += exc.problems
            continue
        problems += _answer_refs(q, rel, tree)
        tid = path.name.removesuffix(".html.j2") if path.parent.name == "policies" else None
        problems += _claim_refs(q, rel, tree, tid)
    problems += _claim_texts(q, project, catalog)
    return problems


def _squash(text: str) -> str:
    return " ".join(text.split())


def _claim_refs(q: Questionnaire, rel: str, tree: nodes.Template, tid: str | None) -> list[Problem]:
    """In a policy template, `claims.x` names a claim its catalog entry declares and `rules.x` a shared rule."""
    if tid is None:  # the plan, paper and toolkit templates have their own context
        return []
    tmpl = next((t for t in q.templates if t.id == tid), None)
    declared = [c.id for c in tmpl.claims] if tmpl else []
    problems: list[Problem] = []
    for node in _walk(tree):
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == CLAIMS and node.attr not in declared:
            problems.append(Problem(rel, node.lineno, Msg.TEMPLATE_CLAIM.format(claim=node.attr, template=tid or rel, hint=hint(node.attr, declared))))
        if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == RULES and node.attr not in q.meta.shared_rules:
            problems.append(Problem(rel, node.lineno, Msg.TEMPLATE_RULE.format(rule=node.attr, hint=hint(node.attr, list(q.meta.shared_rules)))))
    return problems


def _claim_texts(q: Questionnaire, project: Project, catalog: LoadedFile | None) -> list[Problem]:
    """Each claim's words are in its template, so rewording the sentence cannot slip past the claims test."""
    problems: list[Problem] = []
    for i, t in enumerate(q.templates):
        file = project.templates_dir / "policies" / f"{t.id}.html.j2"
        if not t.claims or not file.exists():
            continue
        source = _squash(file.read_text(encoding="utf-8"))
        seen: list[str] = []
        for j, c in enumerate(t.claims):
            where = (i, "claims", j)
            if c.id in seen:
                problems.append(_at(catalog, (*where, "id"), Msg.DUPLICATE_ID.format(kind="claim", id=c.id, first=f"template '{t.id}'")))
            seen.append(c.id)
            if _squash(c.text) not in source:
                problems.append(_at(catalog, (*where, "text"), Msg.CLAIM_TEXT.format(claim=c.id, file=project.rel(file))))
    return problems


def _at(src: LoadedFile | None, path: tuple[Any, ...], message: str) -> Problem:
    return src.problem(path, message) if src is not None else Problem("templates/catalog.yaml", None, message)


def _answer_ref(node: nodes.Node) -> str | None:
    """The question id when `node` reads an answer: answers.get("x"), answers["x"] or answers.x."""
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) and node.node.attr == "get" \
            and isinstance(node.node.node, nodes.Name) and node.node.node.name == ANSWERS and node.args \
            and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str):
        return node.args[0].value
    if isinstance(node, nodes.Getitem) and isinstance(node.node, nodes.Name) and node.node.name == ANSWERS \
            and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    if isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == ANSWERS \
            and node.attr not in ("get", "items", "keys", "values"):
        return node.attr
    return None


def _unwrap(node: nodes.Node) -> nodes.Node:
    """`answers.get("aims") or []` reads the same answer as `answers.get("aims")`."""
    while isinstance(node, nodes.Or | nodes.CondExpr):
        node = node.left if isinstance(node, nodes.Or) else node.expr1
    return node


def _consts(node: nodes.Node) -> list[str] | None:
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, nodes.List | nodes.Tuple) and all(isinstance(i, nodes.Const) and isinstance(i.value, str) for i in node.items):
        return [i.value for i in node.items]  # type: ignore[attr-defined]
    return None


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def _answer_refs(q: Questionnaire, rel: str, tree: nodes.Template) -> list[Problem]:
    problems: list[Problem] = []
    qids = [x.id for x in q.questions]
    aliases: dict[str, str] = {}
    for node in _walk(tree):
        if isinstance(node, nodes.Assign) and isinstance(node.target, nodes.Name):
            ref = _answer_ref(_unwrap(node.node))
            if ref is not None:
                aliases[node.target.name] = ref

    def question_of(node: nodes.Node) -> str | None:
        node = _unwrap(node)
        ref = _answer_ref(node)
        if ref is None and isinstance(node, nodes.Name):
            ref = aliases.get(node.name)
        if ref is None and q.bindings.partner and isinstance(node, nodes.Getattr) and node.attr == "kind" \
                and isinstance(node.node, nodes.Name) and node.node.name == "partner":
            ref = q.bindings.partner.question
        return ref

    route_ids = [r.id for r in q.meta.routes.options]

    for node in _walk(tree):
        ref = _answer_ref(node)
        if ref is not None and q.question(ref) is None:
            problems.append(Problem(rel, node.lineno, Msg.TEMPLATE_QUESTION.format(question=ref, hint=hint(ref, qids))))
        if isinstance(node, nodes.Compare) and len(node.ops) == 1:
            op = node.ops[0]
            pairs: list[tuple[nodes.Node, nodes.Node]] = []
            if op.op in ("eq", "ne", "in", "notin"):
                pairs = [(node.expr, op.expr), (op.expr, node.expr)]
            for ask, lit in pairs:
                values = _consts(lit)
                is_route = (isinstance(ask, nodes.Name) and ask.name == "route") or (
                    isinstance(ask, nodes.Getattr) and ask.attr == "route" and isinstance(ask.node, nodes.Name) and ask.node.name == "plan")
                if is_route and values is not None:
                    for v in values:
                        if v not in route_ids:
                            problems.append(Problem(rel, node.lineno, Msg.REF_ROUTE.format(
                                where="the template", route=v, hint=hint(v, route_ids), options=", ".join(route_ids))))
                    continue
                qid = question_of(ask)
                qu = q.question(qid) if qid else None
                if qu is None or values is None or not qu.options:
                    continue
                valid = [o.id for o in qu.options]
                for v in values:
                    if v not in valid:
                        problems.append(Problem(rel, node.lineno, Msg.TEMPLATE_OPTION.format(
                            option=v, question=qu.id, hint=hint(v, valid), options=", ".join(valid))))
    return problems
