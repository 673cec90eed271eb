"""The logic map: every question, where each answer routes and which rules it feeds, as Markdown and a diagram."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from builder.core.conditions import question_refs
from builder.core.decision import NOT_ASKED, route_table
from builder.core.schema import Condition, Questionnaire
from builder.core.wording import describe, edge_label
from builder.render.markdown import md


def rule_index(q: Questionnaire) -> dict[tuple[str, str], list[str]]:
    """(question, option) -> the rules that option feeds, in words."""
    feeds: dict[tuple[str, str], list[str]] = defaultdict(list)
    titles = {t.id: t.title for t in q.templates}
    roles = {r.id: r.title for r in q.meta.roles.options}
    routes = {r.id: r.title for r in q.meta.routes.options}

    def add(cond: Condition | None, text: str) -> None:
        for qid, opts, _op, _path in question_refs(cond):
            for oid in opts:
                if text not in feeds[(qid, oid)]:
                    feeds[(qid, oid)].append(text)

    for d in q.domains:
        for qu in d.questions:
            add(qu.ask_if, f"asks “{qu.title}”")
        for g in d.gates:
            add(g.when, f"caps {d.title} at {g.cap}" + (f" and overall at {g.overall}" if g.overall else ""))
        for a in d.actions:
            add(a.when, f"action “{a.title}”")
    for g in q.meta.overall.gates:
        add(g.when, f"caps the overall rating at {g.cap}")
    for r in q.meta.routes.rules:
        add(r.when, f"route “{routes[r.route]}”")
    for rr in q.meta.roles.rules:
        add(rr.when, f"{rr.points:+d} {roles[rr.role]}")
    for t in q.meta.templates.rules:
        add(t.when, f"template “{titles[t.template]}”")
    return feeds


def logic_map_markdown(q: Questionnaire, diagram_src: str) -> str:
    feeds = rule_index(q)
    out: list[str] = []
    add = out.append
    add("# Logic map")
    add("")
    add("How the readiness tool reaches its recommendations: every question, when it is asked, what each answer scores, "
        "and every rule each answer feeds. It is generated from the questionnaire itself each time the site is built, "
        "so it always shows the rules the wizard and the command line actually use.")
    add("")
    add(f"![Decision tree: the questions in order, domain by domain, with each follow-up question joined to the question and answer that reveal it.]({diagram_src}){{ .logic-diagram }}")
    add("")
    add(f"[Open the decision tree diagram on its own]({diagram_src}).")
    add("")
    add("## How the rules work")
    add("")
    add(f"- **Scores.** Each domain scores the points its answers earn out of the points available (a scored follow-up earns its stated points when skipped, so the scale never changes; a question with scored_if counts only while its condition holds). {q.meta.ratings.green} and above is green, {q.meta.ratings.amber} and above amber, below that red. Unanswered questions count as 0 until answered.")
    add(f"- **Gates.** Some gaps cap a rating whatever the score, such as nobody to supervise peers. While any domain is red the overall rating is at most {q.meta.overall.any_red_caps_at}.")
    add("- **Route.** The first route rule below that holds decides the route; otherwise: " + md(q.meta.routes.default.reason))
    add(f"- **Roles.** Each role collects points from the rules that hold; roles with {q.meta.roles.min_points} or more points are recommended, best fit first.")
    add("- **Actions and templates.** Every action and template whose condition holds is included, each with its reason and source.")
    add("")
    add("## Route rules, in order")
    add("")
    add("| Route | When | Why |")
    add("|---|---|---|")
    routes = {r.id: r.title for r in q.meta.routes.options}
    for r in q.meta.routes.rules:
        add(f"| {routes[r.route]} | {md(describe(r.when, q))} | {md(r.reason)} |")
    add(f"| {routes[q.meta.routes.default.route]} | otherwise | {md(q.meta.routes.default.reason)} |")
    add("")
    add(route_table_markdown(q))
    for d in q.domains:
        add(f"## {d.title} {{#{d.id}}}")
        add("")
        add(md(d.summary) + f" [Guidance]({d.guidance}).")
        add("")
        for qu in d.questions:
            add(f"### {md(qu.title)} {{#q-{qu.id.replace('_', '-')}}}")
            add("")
            add(f"*{md(qu.text)}* Id `{qu.id}`, {qu.type} choice" if qu.type != "text" else f"*{md(qu.text)}* Id `{qu.id}`, free text")
            add("")
            add(f"Asked: {md(describe(qu.ask_if, q))}." + (f" Scores up to {qu.max} points." if qu.scored else " Carries no points."))
            add("")
            if qu.options:
                add("| Answer | Id | Points | Feeds |")
                add("|---|---|---:|---|")
                for o in qu.options:
                    fed = "; ".join(md(x) for x in feeds.get((qu.id, o.id), [])) or "no rule"
                    pts = "" if o.points is None else str(o.points)
                    add(f"| {md(o.label)} | `{o.id}` | {pts} | {fed} |")
                add("")
        if d.gates:
            add("**Gates**")
            add("")
            for g in d.gates:
                add(f"- When {md(describe(g.when, q))}: capped at {g.cap}" + (f", overall at {g.overall}" if g.overall else "") + f". {md(g.reason)}")
            add("")
    add("## Templates")
    add("")
    add("| Template | Included when |")
    add("|---|---|")
    titles = {t.id: t.title for t in q.templates}
    by_template: dict[str, list[str]] = defaultdict(list)
    for trule in q.meta.templates.rules:
        by_template[trule.template].append(describe(trule.when, q))
    for tmpl in q.templates:
        add(f"| {titles[tmpl.id]} | {md('; or '.join(by_template.get(tmpl.id, ['never'])))} |")
    add("")
    return "\n".join(out)


def decision_tree(q: Questionnaire) -> Any:
    """The questions as a Graphviz digraph: a chain per domain, follow-ups hanging off the answers that reveal them."""
    from builder.render.diagrams import new_graph

    g = new_graph("decision_tree", rankdir="TB")
    g.attr(ranksep="0.3", nodesep="0.2")
    for d in q.domains:
        previous = None
        with g.subgraph(name=f"cluster_{d.id}") as c:
            c.attr(label=d.title, style="rounded", color="#9fa8da", fontname="DejaVu Sans", fontsize="11")
            for qu in d.questions:
                follow = qu.ask_if is not None
                c.node(qu.id, qu.title, fillcolor="#fff8e1" if follow else "#eef2fb", color="#a85b00" if follow else "#3949ab")
        mains = [qu for qu in d.questions if qu.ask_if is None]
        for qu in mains:
            if previous is not None:
                g.edge(previous, qu.id, color="#9e9e9e")
            previous = qu.id
    # Two rows of domains, so the diagram stays readable at page width.
    half = (len(q.domains) + 1) // 2
    for upper, lower in zip(q.domains[:half], q.domains[half:]):
        g.edge(upper.questions[-1].id, lower.questions[0].id, style="invis", weight="0")
    for qu in q.questions:
        if qu.ask_if is None:
            continue
        parents = sorted({r[0] for r in question_refs(qu.ask_if)})
        for parent in parents:
            g.edge(parent, qu.id, xlabel=edge_label(qu.ask_if), color="#a85b00", fontcolor="#5d3200", fontsize="8")
    return g


def cell_text(q: Questionnaire, qid: str, answers: frozenset[str]) -> str:
    """A decision-table cell in words: the answers that make it hold, or 'any answer but …' when that is shorter."""
    question = next(x for x in q.questions if x.id == qid)
    labels = {o.id: o.label for o in question.options}
    everything = set(labels) | ({NOT_ASKED} if question.ask_if is not None else set())
    if set(answers) >= everything:
        return "any answer"
    missing = [labels[o] for o in labels if o not in answers]
    shown = [labels[o] for o in labels if o in answers]
    if len(missing) < len(shown):
        words = "any answer but " + " or ".join(f"“{x}”" for x in missing)
        return words + ("" if NOT_ASKED in answers or question.ask_if is None else ", and not skipped")
    words = " or ".join(f"“{x}”" for x in shown)
    return words + (" (or not asked)" if NOT_ASKED in answers else "")


def route_table_markdown(q: Questionnaire) -> str:
    """The route rules as a decision table (builder/core/decision.py): go down the rows, the first that fits decides."""
    columns, rows = route_table(q)
    titles = {x.id: x.title for x in q.questions}
    routes = {r.id: r.title for r in q.meta.routes.options}
    lines = ["## The route as a decision table", "",
             "The same rules, one answer to a cell: go down the rows and stop at the first whose every cell matches "
             "the answers (a blank cell matches any answer). A question not answered yet matches no cell.", "",
             "| " + " | ".join(md(titles[c]) for c in columns) + " | Route |",
             "|" + "---|" * len(columns) + "---|"]
    for row in rows:
        cells = dict(row.cells)
        lines.append("| " + " | ".join(md(cell_text(q, c, cells[c])) if c in cells else "" for c in columns)
                     + f" | **{routes[row.route]}** |")
    lines.append("| " + " | ".join("" for _ in columns) + f" | **{routes[q.meta.routes.default.route]}** (none of the rows above) |")
    lines.append("")
    return "\n".join(lines)
