"""The readiness profile chart, drawn by matplotlib as SVG with its text kept as text."""

from __future__ import annotations

import io
from typing import Any

from builder.core.schema import Questionnaire

COLOURS = {"green": "#17703a", "amber": "#a85b00", "red": "#b3261e"}
"""Dark enough for AA contrast against white, and never the only cue: every bar is labelled in words."""


def chart_alt(plan: dict[str, Any], q: Questionnaire) -> str:
    r = plan["readiness"]
    parts = [f"{r['domains'][d]['title']} {r['domains'][d]['score']} ({r['domains'][d]['rating']})" for d in q.meta.domains]
    return (f"Bar chart of readiness scores out of 100. Overall {r['overall']['score']} ({r['overall']['rating']}). "
            + "; ".join(parts) + ".")


def readiness_chart_svg(plan: dict[str, Any], q: Questionnaire) -> str:
    """Horizontal bars, overall first, each labelled with its score and rating in words."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    r = plan["readiness"]
    rows = [("Overall", r["overall"])] + [(r["domains"][d]["title"], r["domains"][d]) for d in q.meta.domains]
    rows.reverse()  # barh draws bottom-up; overall ends on top
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "readiness", "font.family": "DejaVu Sans",
                                "font.size": 9, "axes.edgecolor": "#555555"}):
        fig = Figure(figsize=(6.6, 3.9))
        ax = fig.add_subplot()
        labels = [name for name, _ in rows]
        scores = [row["score"] for _, row in rows]
        colours = [COLOURS[row["rating"]] for _, row in rows]
        bars = ax.barh(labels, scores, color=colours, height=0.62)
        for bar, (_, row) in zip(bars, rows):
            ax.text(min(bar.get_width() + 1.5, 101), bar.get_y() + bar.get_height() / 2,
                    f"{row['score']} · {row['rating']}", va="center", ha="left", fontsize=8.5, color="#1a1a1a",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
        green, amber = q.meta.ratings.green, q.meta.ratings.amber
        for x, name in ((amber, f"amber from {amber}"), (green, f"green from {green}")):
            ax.axvline(x, color="#555555", linestyle=(0, (3, 3)), linewidth=0.8)
            ax.text(x, len(rows) - 0.35, name, fontsize=7.5, color="#333333", ha="center", va="bottom")
        ax.set_xlim(0, 118)
        ax.set_xticks([0, 20, 40, 60, 80, 100])
        ax.set_xlabel("Readiness score (0 to 100)")
        ax.spines[["top", "right"]].set_visible(False)
        ax.get_yticklabels()[-1].set_fontweight("bold")
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    return buf.getvalue()
