"""Diagrams drawn by Graphviz (Debian's `dot`) as SVG: the referral pathway and the logic map."""

from __future__ import annotations

from typing import Any

import graphviz

FONT = "DejaVu Sans"


def _graph(name: str, rankdir: str = "TB") -> graphviz.Digraph:
    g = graphviz.Digraph(name, format="svg")
    g.attr(rankdir=rankdir, bgcolor="white", fontname=FONT, nodesep="0.25", ranksep="0.3")
    g.attr("node", shape="box", style="rounded,filled", fillcolor="#eef2fb", color="#3949ab", fontname=FONT, fontsize="10", margin="0.15,0.08")
    g.attr("edge", color="#3949ab", fontname=FONT, fontsize="9")
    return g


def svg(g: graphviz.Digraph) -> str:
    out = g.pipe(format="svg").decode("utf-8")
    # Drop the XML prologue and comments so the SVG can sit inline in HTML too.
    start = out.find("<svg")
    return out[start:]


PATHWAY_STEPS = (
    ("refer", "A doctor or nurse identifies a patient\nand completes the referral form with them"),
    ("match", "The form goes only to the peer support\nco-ordinator, who matches a peer"),
    ("book", "{booker} books a room and a time\n{booking_note}"),
    ("contact", "The co-ordinator contacts the patient,\nchecks they are still interested"),
    ("meet", "The {role} meets the patient\n({where})"),
    ("log", "The peer completes a work log at each\nmeeting and submits it monthly"),
    ("support", "Ongoing support and supervision\nfor the peer ({supervisor})"),
)
"""Patient details travel only as the referral form's consent allows: to the co-ordinator and the
matched peer. Whoever books rooms gets a time and a room, never the referral itself."""


def pathway_text(plan: dict[str, Any] | None, role_titles: dict[str, str]) -> list[str]:
    """The referral pathway's steps, tailored to the clinic's answers (generic when blank)."""
    answers = {a["question"]: a["answer"] for a in plan["answers"]} if plan else {}
    booking = answers.get("booking")
    booker = {"admin_team": "The admin team", "peers": "The peer"}.get(booking or "", "The co-ordinator")
    booking_note = "(given the time needed, no clinical details)" if booking in ("admin_team", "peers") else "from the availability chart"
    space = answers.get("space")
    where = {"dedicated_room": "in the peer support room", "shared_room": "in the shared room", "none": "in a group or community setting"}.get(space or "", "in a private space")
    supervision = answers.get("supervision")
    supervisor = {"partner": "by the partner organisation", "in_clinic": "by the clinic's supervisor"}.get(supervision or "", "by a named supervisor")
    role = role_titles.get(plan["roles"][0], "peer") if plan else "peer"
    fields = {"booker": booker, "booking_note": booking_note, "where": where, "supervisor": supervisor, "role": role}
    return [text.format(**fields) for _, text in PATHWAY_STEPS]


def pathway_svg(plan: dict[str, Any] | None, role_titles: dict[str, str]) -> str:
    g = _graph("referral_pathway", rankdir="TB")
    steps = pathway_text(plan, role_titles)
    for (node, _), text in zip(PATHWAY_STEPS, steps):
        g.node(node, text)
    for (a, _), (b, _) in zip(PATHWAY_STEPS, PATHWAY_STEPS[1:]):
        g.edge(a, b)
    return svg(g)
