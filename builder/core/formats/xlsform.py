"""The questionnaire as an XLSForm (survey, choices and settings sheets) for ODK, KoboToolbox and Enketo.

Pure: rows of cells only; builder/output/formats.py writes them as a workbook. One group per domain,
named `domain-<id>` (names are unique in a whole XLSForm, and a domain may share its id with a question); each question keeps its id as its name, its text as label, its help as hint, its
options as a choice list named after it, and its `ask_if` as `relevant` (builder/core/formats/xpath.py).
Every question may be left blank: blank is the engine's "unknown", which adds a *Find out* action.
"""

from __future__ import annotations

from dataclasses import dataclass

from builder.core.formats.fields import (
    ABOUT,
    ABOUT_GROUP,
    ASSUMPTIONS_GROUP,
    assumption_name,
    check_names,
    domain_name,
    note_name,
    score_name,
)
from builder.core.formats.xpath import Translator, domain_score
from builder.core.limits import MAX_NAME, MAX_NOTE
from builder.core.schema import Questionnaire

SURVEY_COLUMNS = ("type", "name", "label", "hint", "relevant", "required", "constraint", "constraint_message", "calculation", "appearance")
CHOICES_COLUMNS = ("list_name", "name", "label")
SETTINGS_COLUMNS = ("form_title", "form_id", "version")

RATING_REASON = (
    "Each domain's score is calculated in the form (score-<domain>), exactly as the toolkit scores it. Ratings are not: "
    "a rating also depends on the domain's gates, the go-live checklist and the overall caps, and a colour shown "
    "without them would mislead. Bring the submissions back with 'readiness import' or 'readiness review' for the plan."
)
"""Why the form calculates scores but not ratings; the form shows it as a note at its end."""


@dataclass(frozen=True)
class Sheets:
    survey: list[dict[str, str]]
    choices: list[dict[str, str]]
    settings: list[dict[str, str]]


def _text_limit(limit: int) -> tuple[str, str]:
    return f"string-length(.) <= {limit}", f"At most {limit:,} characters."


def xlsform(q: Questionnaire) -> Sheets:
    """The XLSForm's three sheets, as rows keyed by column name."""
    if q.meta.formats is None:
        raise ValueError("questionnaire.yaml has no 'formats' section")
    check_names(q)
    tr = Translator(q)
    survey: list[dict[str, str]] = []
    choices: list[dict[str, str]] = []

    survey.append({"type": "begin_group", "name": ABOUT_GROUP, "label": "About your clinic"})
    for f in ABOUT:
        if f.kind == "version":
            survey.append({"type": "calculate", "name": f.name, "label": f.label, "calculation": f"'{q.meta.version}'"})
            continue
        row = {"type": "date" if f.kind == "date" else "text", "name": f.name, "label": f.label}
        if f.required:
            row["required"] = "yes"
        if f.kind == "text":
            row["constraint"], row["constraint_message"] = _text_limit(MAX_NAME)
        survey.append(row)
    survey.append({"type": "end_group", "name": ABOUT_GROUP})

    for d in q.domains:
        survey.append({"type": "begin_group", "name": domain_name(d.id), "label": d.title, "hint": d.summary})
        for qu in d.questions:
            relevant = tr.relevant(qu)
            row = {"name": qu.id, "label": qu.text, "hint": qu.help}
            if qu.type == "text":
                row["type"] = "text"
                row["constraint"], row["constraint_message"] = _text_limit(MAX_NOTE)
            else:
                row["type"] = f"{'select_one' if qu.type == 'single' else 'select_multiple'} {qu.id}"
                exclusive = [o.id for o in qu.options if o.exclusive]
                if qu.type == "multi" and exclusive:
                    labels = ", ".join(f"'{o.label}'" for o in qu.options if o.exclusive)
                    row["constraint"] = " and ".join(f"(not(selected(., '{o}')) or count-selected(.) = 1)" for o in exclusive)
                    row["constraint_message"] = f"{labels} cannot be combined with other answers."
                for o in qu.options:
                    choices.append({"list_name": qu.id, "name": o.id, "label": o.label})
            if relevant:
                row["relevant"] = relevant
            survey.append(row)
            note = {"type": "text", "name": note_name(qu.id), "label": "Note (optional): evidence, context or who to ask",
                    "appearance": "multiline"}
            note["constraint"], note["constraint_message"] = _text_limit(MAX_NOTE)
            if relevant:
                note["relevant"] = relevant
            survey.append(note)
        if any(qu.scored for qu in d.questions):
            survey.append({"type": "calculate", "name": score_name(d.id), "label": f"{d.title}: score out of 100",
                           "calculation": domain_score(tr, d)})
        survey.append({"type": "end_group", "name": domain_name(d.id)})

    if q.planning and q.planning.costs.assumptions:
        survey.append({"type": "begin_group", "name": ASSUMPTIONS_GROUP, "label": "Budget assumptions (optional)",
                       "hint": "Leave blank to use the toolkit's figure."})
        for a in q.planning.costs.assumptions:
            survey.append({"type": "decimal", "name": assumption_name(a.id), "label": a.label,
                           "hint": f"Default: {a.value}" + (" (pounds)" if a.unit == "money" else ""),
                           "constraint": ". >= 0", "constraint_message": "A number of 0 or more (at most two decimal places)."})
        survey.append({"type": "end_group", "name": ASSUMPTIONS_GROUP})

    survey.append({"type": "note", "name": "about-scores", "label": RATING_REASON})
    settings = [{"form_title": q.meta.title, "form_id": q.meta.formats.form_id, "version": q.meta.version}]
    return Sheets(survey, choices, settings)
