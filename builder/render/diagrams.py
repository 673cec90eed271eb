"""Diagrams drawn by Graphviz (Debian's `dot`) as SVG: the referral pathway and the logic map."""

from __future__ import annotations

from typing import Any

import graphviz

from builder.core.schema import Questionnaire

FONT = "DejaVu Sans"


def new_graph(name: str, rankdir: str = "TB") -> graphviz.Digraph:
    g = graphviz.Digraph(name, format="svg")
    g.attr(rankdir=rankdir, bgcolor="white", fontname=FONT, nodesep="0.25", ranksep="0.3")
    g.attr("node", shape="box", style="rounded,filled", fillcolor="#eef2fb", color="#3949ab", fontname=FONT, fontsize="10", margin="0.15,0.08")
    g.attr("edge", color="#3949ab", fontname=FONT, fontsize="9")
    return g


def svg(g: graphviz.Digraph) -> str:
    from builder.render.tools import require

    require("dot")
    out = g.pipe(format="svg").decode("utf-8")
    # Drop the XML prologue and comments so the SVG can sit inline in HTML too.
    start = out.find("<svg")
    return out[start:]


def pathway_text(q: Questionnaire, plan: dict[str, Any] | None, role_titles: dict[str, str]) -> list[str]:
    """The referral pathway's steps (templates/bindings.yaml), tailored to the clinic's answers (generic when blank)."""
    pathway = q.bindings.pathway
    if pathway is None:
        return []
    answers = {a["question"]: a["answer"] for a in plan["answers"]} if plan else {}
    fields = {}
    for name, slot in pathway.slots.items():
        answer = answers.get(slot.question)
        fields[name] = slot.phrases.get(answer, slot.default) if isinstance(answer, str) else slot.default
    fields["role"] = role_titles.get(plan["roles"][0], "peer") if plan else "peer"
    return [step.text.format(**fields) for step in pathway.steps]


def pathway_svg(q: Questionnaire, plan: dict[str, Any] | None, role_titles: dict[str, str]) -> str | None:
    """The referral pathway as a diagram, or None when the questionnaire declares no pathway."""
    pathway = q.bindings.pathway
    if pathway is None:
        return None
    g = new_graph("referral_pathway", rankdir="TB")
    for step, text in zip(pathway.steps, pathway_text(q, plan, role_titles)):
        g.node(step.id, text)
    for a, b in zip(pathway.steps, pathway.steps[1:]):
        g.edge(a.id, b.id)
    if pathway.loop:
        g.edge(pathway.loop.from_step, pathway.loop.to_step, label=f" {pathway.loop.label}", style="dashed", constraint="false")
    return svg(g)
