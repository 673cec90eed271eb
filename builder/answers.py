"""The public answer-file contract, version 1: parse, validate and write answer files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .contract import ANSWER_FILE_VERSION
from .errors import Msg, Problem, ReadinessError, hint
from .schema import Questionnaire
from .sources import Source, load, parse_json, parse_yaml

TOP_KEYS = ("version", "questionnaire_version", "assessed_on", "respondent_role", "clinic", "answers", "assumptions")
CLINIC_KEYS = ("name", "organisation")
ANSWER_KEYS = ("answer", "note")


@dataclass(frozen=True)
class Answer:
    value: str | list[str] | None
    """Option id (single), list of option ids (multi), text, or None while unanswered."""
    note: str | None = None
    """Free-text evidence or context, carried into the plan."""


@dataclass(frozen=True)
class AnswerFile:
    clinic_name: str
    organisation: str | None = None
    questionnaire_version: str | None = None
    assessed_on: str | None = None
    respondent_role: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    assumptions: dict[str, int] = field(default_factory=dict)
    """Budget assumptions the clinic overrides, in hundredths (questionnaire/costs.yaml ids)."""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def parse_answers(src: Source, q: Questionnaire) -> AnswerFile:
    """Validate an answer document; raise ReadinessError with every problem, each with its line."""
    data = src.data
    if data is None or (isinstance(data, str) and not data.strip()):
        raise ReadinessError([src.problem((), Msg.EMPTY_ANSWERS)])
    if not isinstance(data, dict):
        raise ReadinessError([src.problem((), Msg.NOT_A_MAPPING)])
    if "version" not in data:
        raise ReadinessError([src.problem((), Msg.NO_VERSION)])
    if data["version"] != ANSWER_FILE_VERSION or isinstance(data["version"], bool):
        raise ReadinessError([src.problem(("version",), Msg.BAD_VERSION.format(version=data["version"]))])

    problems: list[Problem] = []
    for key in data:
        if key not in TOP_KEYS:
            problems.append(src.problem((key,), Msg.UNKNOWN_KEY.format(key=key, hint=hint(str(key), TOP_KEYS), allowed=", ".join(TOP_KEYS))))

    def text_field(container: dict[str, Any], key: str, path: tuple[Any, ...]) -> str | None:
        value = container.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            problems.append(src.problem(path, Msg.WRONG_TYPE.format(key=key, expected="text", got=_kind(value))))
            return None
        return value

    qversion = text_field(data, "questionnaire_version", ("questionnaire_version",))
    role = text_field(data, "respondent_role", ("respondent_role",))
    assessed = text_field(data, "assessed_on", ("assessed_on",))
    if assessed is not None:
        try:
            assessed = dt.date.fromisoformat(assessed).isoformat()
        except ValueError:
            problems.append(src.problem(("assessed_on",), Msg.BAD_DATE.format(key="assessed_on")))

    clinic = data.get("clinic")
    name: str | None = None
    organisation: str | None = None
    if clinic is None:
        problems.append(src.problem((), Msg.MISSING_KEY.format(key="clinic", example='clinic: {name: "Riverside Clinic", organisation: "Riverside NHS Trust"}')))
    elif not isinstance(clinic, dict):
        problems.append(src.problem(("clinic",), Msg.WRONG_TYPE.format(key="clinic", expected="a mapping with 'name' and 'organisation'", got=_kind(clinic))))
    else:
        for key in clinic:
            if key not in CLINIC_KEYS:
                problems.append(src.problem(("clinic", key), Msg.UNKNOWN_KEY.format(key=key, hint=hint(str(key), CLINIC_KEYS), allowed=", ".join(CLINIC_KEYS))))
        name = text_field(clinic, "name", ("clinic", "name"))
        organisation = text_field(clinic, "organisation", ("clinic", "organisation"))
        if not name or not name.strip():
            problems.append(src.problem(("clinic",), Msg.MISSING_KEY.format(key="name", example='name: "Riverside Clinic"')))

    answers: dict[str, Answer] = {}
    raw = data.get("answers")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(src.problem(("answers",), Msg.WRONG_TYPE.format(key="answers", expected="a mapping of question id to answer", got=_kind(raw))))
        raw = {}
    ids = [qu.id for qu in q.questions]
    for qid, given in raw.items():
        path: tuple[Any, ...] = ("answers", qid)
        question = q.question(str(qid))
        if question is None:
            problems.append(src.problem(path, Msg.UNKNOWN_QUESTION.format(question=qid, hint=hint(str(qid), ids))))
            continue
        note = None
        value = given
        if isinstance(given, dict):
            for key in given:
                if key not in ANSWER_KEYS:
                    problems.append(src.problem((*path, key), Msg.ANSWER_MAPPING.format(question=qid, key=key)))
            value = given.get("answer")
            note = given.get("note")
            if note is not None and not isinstance(note, str):
                problems.append(src.problem((*path, "note"), Msg.NOTE_TEXT.format(question=qid)))
                note = None
            path = (*path, "answer") if "answer" in given else path
        options = [o.id for o in question.options]
        listed = ", ".join(options)
        if value is None:
            answers[qid] = Answer(None, note)
        elif question.type == "text":
            if not isinstance(value, str):
                problems.append(src.problem(path, Msg.TEXT_EXPECTED.format(question=qid)))
            else:
                answers[qid] = Answer(value.strip() or None, note)
        elif question.type == "single":
            if isinstance(value, list):
                problems.append(src.problem(path, Msg.SINGLE_GIVEN_LIST.format(question=qid, options=listed)))
            elif not isinstance(value, str):
                problems.append(src.problem(path, Msg.OPTION_EXPECTED.format(question=qid, example=options[0], got=_kind(value))))
            elif value not in options:
                problems.append(src.problem(path, Msg.UNKNOWN_OPTION.format(value=value, question=qid, options=listed)))
            else:
                answers[qid] = Answer(value, note)
        else:
            if not isinstance(value, list):
                if isinstance(value, str):
                    problems.append(src.problem(path, Msg.MULTI_GIVEN_SINGLE.format(question=qid, value=value)))
                else:
                    problems.append(src.problem(path, Msg.OPTION_EXPECTED.format(question=qid, example=options[0], got=_kind(value))))
                continue
            chosen: list[str] = []
            bad = False
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    problems.append(src.problem((*path, i), Msg.OPTION_EXPECTED.format(question=qid, example=options[0], got=_kind(item))))
                    bad = True
                elif item not in options:
                    problems.append(src.problem((*path, i), Msg.UNKNOWN_OPTION.format(value=item, question=qid, options=listed)))
                    bad = True
                elif item in chosen:
                    problems.append(src.problem((*path, i), Msg.MULTI_DUPLICATE.format(question=qid, option=item)))
                    bad = True
                else:
                    chosen.append(item)
            if bad:
                continue
            if not chosen:
                problems.append(src.problem(path, Msg.MULTI_EMPTY.format(question=qid, options=listed)))
                continue
            exclusive = [o.id for o in question.options if o.exclusive and o.id in chosen]
            if exclusive and len(chosen) > 1:
                problems.append(src.problem(path, Msg.MULTI_EXCLUSIVE.format(question=qid, option=exclusive[0])))
                continue
            # Keep the questionnaire's order, so the same choices always give the same file and plan.
            answers[qid] = Answer([o for o in options if o in chosen], note)
    from .budget import parse_assumptions

    assumptions = parse_assumptions(src, data.get("assumptions"), q.planning.costs if q.planning else None, problems)
    if problems:
        raise ReadinessError(problems)
    assert name is not None
    return AnswerFile(name.strip(), organisation.strip() if organisation else None, qversion, assessed, role, answers, assumptions)


def load_answers(path: Path, q: Questionnaire, display: str | None = None) -> tuple[AnswerFile, Source]:
    src = load(path, display or str(path))
    return parse_answers(src, q), src


def parse_answers_text(text: str, q: Questionnaire, file: str = "<answers>", json_format: bool = False) -> AnswerFile:
    src = parse_json(text, file) if json_format else parse_yaml(text, file)
    return parse_answers(src, q)


def dump_answers(af: AnswerFile, q: Questionnaire) -> str:
    """The answer file as YAML, answers in questionnaire order: what `assess` saves and the wizard downloads."""
    doc: dict[str, Any] = {"version": ANSWER_FILE_VERSION, "questionnaire_version": af.questionnaire_version or q.meta.version}
    if af.assessed_on:
        doc["assessed_on"] = af.assessed_on
    if af.respondent_role:
        doc["respondent_role"] = af.respondent_role
    clinic: dict[str, Any] = {"name": af.clinic_name}
    if af.organisation:
        clinic["organisation"] = af.organisation
    doc["clinic"] = clinic
    answers: dict[str, Any] = {}
    for qu in q.questions:
        a = af.answers.get(qu.id)
        if a is None:
            continue
        answers[qu.id] = {"answer": a.value, "note": a.note} if a.note else a.value
    doc["answers"] = answers
    if af.assumptions:
        from .budget import plain

        doc["assumptions"] = {k: float(plain(v)) if "." in plain(v) else int(plain(v)) for k, v in af.assumptions.items()}
    header = f"# Peer support readiness answers: {q.meta.title} {q.meta.version}\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
