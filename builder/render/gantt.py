"""The timeline as a Gantt chart, drawn by matplotlib as SVG with its text kept as text."""

from __future__ import annotations

import io
from typing import Any

from builder.core.schema import Questionnaire

PHASE_COLOURS = ["#283593", "#00695c", "#6a1b9a", "#b3261e", "#4e5b31"]
"""One dark colour per phase (AA contrast on white); the phase is also named on every bar's row."""


def gantt_alt(plan: dict[str, Any]) -> str:
    when = plan.get("first_patient_date") or f"week {plan['first_patient_week']}"
    return (f"Gantt chart of {len(plan['actions'])} actions over {max((a['due_week'] for a in plan['actions']), default=0)} weeks. "
            f"The first peer can meet a patient from {when}. The actions table gives every start and due date.")


def _short(text: str, n: int = 52) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def gantt_svg(plan: dict[str, Any], q: Questionnaire) -> str:
    """One bar per action from its start week to its due week, must-dos solid, others hatched."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    actions = plan["actions"]
    phases = [p.id for p in q.meta.phases]
    rows = len(actions)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "readiness", "font.family": "DejaVu Sans",
                                "font.size": 7, "axes.edgecolor": "#555555", "hatch.linewidth": 0.6}):
        fig = Figure(figsize=(7.0, max(2.2, 0.5 + 0.17 * rows)))
        ax = fig.add_subplot()
        for i, a in enumerate(actions):
            colour = PHASE_COLOURS[phases.index(a["phase"]) % len(PHASE_COLOURS)]
            width = max(a["due_week"] - a["start_week"], 0.3)
            ax.barh(i, width, left=a["start_week"], height=0.62, color=colour if a["must"] else "white",
                    edgecolor=colour, hatch=None if a["must"] else "////", linewidth=0.8)
        ax.set_yticks(range(rows))
        ax.set_yticklabels([f"{phases.index(a['phase']) + 1} · {_short(a['title'])}" for a in actions])
        ax.invert_yaxis()
        first = plan["first_patient_week"]
        ax.axvline(first, color="#1a1a1a", linestyle=(0, (4, 2)), linewidth=1)
        label = "First patient" + (f" ({plan['first_patient_date']})" if plan.get("first_patient_date") else f" (week {first})")
        ax.text(first, -0.9, label, fontsize=7, ha="center", va="bottom", color="#1a1a1a")
        end = max([a["due_week"] for a in actions] + [first, 4])
        ax.set_xlim(0, end + 1)
        ax.set_ylim(rows - 0.5, -1.4)
        ax.set_xlabel("Weeks from the assessment" + (f" ({plan['assessment']['assessed_on']})" if plan["assessment"].get("assessed_on") else ""))
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#dddddd", linewidth=0.5)
        ax.set_axisbelow(True)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()
