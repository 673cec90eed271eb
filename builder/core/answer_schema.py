"""JSON Schema (draft 2020-12) for answer files, generated from the questionnaire: one source for editors and other tools.

Every question is a property of `answers`, its options an enum; a follow-up says in its description when it is asked.
The schema checks shape only: what the toolkit reports as a warning (an answer to a question the routing skips) it
leaves alone, so a file the schema accepts is one `readiness plan` reads. Limits come from builder/core/limits.py.
"""

from __future__ import annotations

import json
from typing import Any

from builder.core.answers import ANSWER_KEYS, CLINIC_KEYS, FIRST_YEAR, LAST_YEAR, RESPONDENT_KEYS, TOP_KEYS
from builder.core.contract import ANSWER_FILE_VERSION
from builder.core.limits import MAX_NAME, MAX_NOTE
from builder.core.schema import Question, Questionnaire
from builder.core.wording import describe

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ANSWERS_SCHEMA = "answers.schema.json"
"""The file name the schema is published under: on the site (assets/schemas/) and in the package (schemas/)."""


def _text(limit: int, description: str) -> dict[str, Any]:
    """Text; a number is read as its text too (an id such as 1042 needs no quotes)."""
    return {"type": ["string", "number"], "maxLength": limit, "description": description}


def _value(question: Question) -> dict[str, Any]:
    """The answer itself: an option id, a list of them, or text; null is "I don't know yet"."""
    ids = [o.id for o in question.options]
    if question.type == "text":
        return {"type": ["string", "null"], "maxLength": MAX_NOTE}
    if question.type == "single":
        return {"enum": [*ids, None]}
    exclusive = [o.id for o in question.options if o.exclusive]
    multi: dict[str, Any] = {"type": "array", "items": {"enum": ids}, "uniqueItems": True, "minItems": 1}
    if exclusive:  # an option such as "none" stands alone
        multi["not"] = {"allOf": [{"minItems": 2}, {"contains": {"enum": exclusive}}]}
    return {"anyOf": [multi, {"type": "null"}]}


def _question(q: Questionnaire, question: Question) -> dict[str, Any]:
    lines = [question.title]
    if question.options:
        lines.append("Options: " + "; ".join(f"{o.id} = {o.label}" for o in question.options) + ".")
    if question.ask_if is not None:
        lines.append(f"Asked only when: {describe(question.ask_if, q)}.")
    value = _value(question)
    keys: dict[str, Any] = {"answer": value, "note": _text(MAX_NOTE, "A note kept with the answer.")}
    assert tuple(keys) == ANSWER_KEYS
    with_note = {"type": "object", "additionalProperties": False, "properties": keys}
    return {"description": "\n".join(lines), "anyOf": [value, with_note]}


def answer_file_schema(q: Questionnaire, schema_id: str | None = None) -> dict[str, Any]:
    """The schema of an answer file for this questionnaire (deterministic: the same questionnaire, the same schema)."""
    costs = q.planning.costs if q.planning else None
    properties: dict[str, Any] = {
        "version": {"const": ANSWER_FILE_VERSION, "description": "The answer-file format's version."},
        "questionnaire_version": _text(MAX_NAME, f"The questionnaire version the answers were given to ({q.meta.version} here)."),
        "assessed_on": {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                        "description": f"The day of the assessment, YYYY-MM-DD, between {FIRST_YEAR} and {LAST_YEAR}."},
        "respondent_role": _text(MAX_NAME, "Who answered, by role."),
        "respondent": {"type": "object", "additionalProperties": False, "description": "Who answered.",
                       "properties": {"name": _text(MAX_NAME, "Their name."), "role": _text(MAX_NAME, "Their role.")}},
        "clinic": {"type": "object", "additionalProperties": False, "required": ["name"], "description": "The clinic assessed.",
                   "properties": {"name": {**_text(MAX_NAME, "The clinic's name."), "minLength": 1, "pattern": r"\S"},
                                  "organisation": _text(MAX_NAME, "The organisation it belongs to."),
                                  "id": _text(MAX_NAME, "An id that ties several raters' files for one clinic together."),
                                  "area": _text(MAX_NAME, "The area, for partnership and hub-and-spoke opportunities in a review.")}},
        "answers": {"type": "object", "additionalProperties": False, "description": "Question id: answer.",
                    "properties": {qu.id: _question(q, qu) for qu in q.questions}},
        "assumptions": {"type": "object", "additionalProperties": False, "description": "Cost assumptions this clinic sets itself.",
                        "properties": {a.id: {"type": "number", "minimum": 0, "maximum": 10_000_000, "multipleOf": 0.01,
                                              "description": f"{a.label} ({'pounds' if a.unit == 'money' else 'a number'})."}
                                       for a in (costs.assumptions if costs else [])}},
    }
    assert set(properties) == set(TOP_KEYS) and set(properties["clinic"]["properties"]) == set(CLINIC_KEYS)
    assert set(properties["respondent"]["properties"]) == set(RESPONDENT_KEYS)
    schema: dict[str, Any] = {"$schema": DIALECT}
    if schema_id:
        schema["$id"] = schema_id
    schema.update({
        "title": f"Answer file: {q.meta.title} {q.meta.version}",
        "description": "A clinic's answers, as `readiness assess` and the in-browser assessment save them and every command reads them.",
        "type": "object", "additionalProperties": False, "required": ["version", "clinic"], "properties": properties,
    })
    return schema


def answer_schema_json(q: Questionnaire, schema_id: str | None = None) -> str:
    """The schema as the file published: sorted keys, one space of indent, a final newline (byte-identical each time)."""
    return json.dumps(answer_file_schema(q, schema_id), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
