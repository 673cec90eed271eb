"""The glossary page: questionnaire/glossary.yaml as Markdown, each term with its plain definition and the words it retires."""

from __future__ import annotations

from builder.core.schema import Glossary
from builder.render.markdown import md


def glossary_markdown(glossary: Glossary) -> str:
    lines = ["# Glossary", "",
             "The words the assessment, the plan, the templates and this guidance use, and what each means. "
             "Where another word for the same thing is common, the toolkit keeps to the one here.", ""]
    for t in glossary.terms:
        lines.append(f"{md(t.term)}")
        retired = f" *Not:* {', '.join(md(w) for w in t.retired)}." if t.retired else ""
        lines.append(f":   {md(t.definition)}{retired}")
        lines.append("")
    if glossary.style:
        lines += ["## House style", ""]
        for s in glossary.style:
            lines.append(f"- {md(s.use[:1].upper() + s.use[1:])}, not {', '.join(md(w) for w in s.words)}.")
        lines.append("")
    return "\n".join(lines)
