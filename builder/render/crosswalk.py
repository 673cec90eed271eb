"""The standards crosswalk as a site page: for each standard, the actions and templates that help meet it."""

from __future__ import annotations

from builder.core.schema import Questionnaire
from builder.core.wording import describe
from builder.render.markdown import md


def crosswalk_markdown(q: Questionnaire) -> str:
    """Coverage per standard across the whole toolkit (each plan shows its own coverage)."""
    phases = {p.id: p.title for p in q.meta.phases}
    out = ["# Standards crosswalk", "",
           "Each action the toolkit can put in a plan, and each template, names the standards it helps a clinic meet. "
           "A clinic's own plan shows the same table for the actions and templates it was given. "
           "The [references](references.md#standards) cite each standard; check the exact clause in the published text before you quote it.", ""]
    for sid, std in sorted(q.meta.standards.items()):
        actions = [(d.title, a) for d in q.domains for a in d.actions if sid in a.standards]
        templates = [t for t in q.templates if sid in t.standards]
        out += [f"## {md(std.title)} {{#{sid.replace('_', '-')}}}", ""]
        if std.when is not None:
            out += [f"Applies only when {md(describe(std.when, q))}: plans for other services leave it out.", ""]
        out += [f"**{len(actions)} actions, {len(templates)} templates.**", ""]
        if actions:
            out += ["| Action | Domain | Phase |", "|---|---|---|"]
            out += [f"| {md(a.title)} | {md(title)} | {phases[a.phase]} |" for title, a in actions]
            out.append("")
        if templates:
            out.append("Templates: " + ", ".join(f"[{md(t.title)}](templates.md)" for t in templates) + ".")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
