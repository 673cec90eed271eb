"""The public answer-file contract, version 1: parse, validate and write answer files."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.core.budget import parse_assumptions, plain
from builder.core.contract import ANSWER_FILE_VERSION
from builder.core.errors import Msg, Problem, ReadinessError, hint, quote
from builder.core.limits import MAX_NAME, MAX_NOTE
from builder.core.parse import LoadedFile, parse_json, parse_yaml
from builder.core.schema import Question, Questionnaire
from builder.core.text import unsafe_char

TOP_KEYS = ("version", "questionnaire_version", "assessed_on", "respondent_role", "respondent", "clinic", "answers", "assumptions")
CLINIC_KEYS = ("name", "organisation", "id", "area")
RESPONDENT_KEYS = ("name", "role")
ANSWER_KEYS = ("answer", "note")
FIRST_YEAR, LAST_YEAR = 2000, 2199
"""Assessment dates outside these years are typing mistakes (and would overflow review dates)."""
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
"""The one way an answer file writes a date, in both engines: YYYY-MM-DD, and a real day. Python's date.fromisoformat
also takes 20261102 and ISO week dates (2026-W45-5); the browser would have to port that quirk, so neither takes them."""
FUTURE_SLACK = dt.timedelta(days=1)
"""An assessment date may be at most this far after today (the machine's clock): a day for time zones; any later
date is refused, so a file cannot make itself a clinic's latest round by claiming a date to come."""


@dataclass(frozen=True, slots=True)
class Answer:
    value: str | list[str] | None
    """Option id (single), list of option ids (multi), text, or None while unanswered."""
    note: str | None = None
    """Free-text evidence or context, carried into the plan."""


_CHOSEN: dict[str, Answer] = {}


def chosen(option_id: str) -> Answer:
    """Answer(option_id): one shared object per option id (answers are immutable), since a review makes millions of
    them. Only for an id already checked against the questionnaire's options, so the table holds no more entries than
    the questionnaires loaded have options."""
    found = _CHOSEN.get(option_id)
    if found is None:
        found = _CHOSEN[option_id] = Answer(option_id)
    return found


@dataclass(frozen=True)
class AnswerFile:
    clinic_name: str
    organisation: str | None = None
    questionnaire_version: str | None = None
    assessed_on: str | None = None
    respondent_role: str | None = None
    answers: dict[str, Answer] = field(default_factory=dict)
    respondent_name: str | None = None
    """Optional `respondent: {name}`: who answered, so a review can show each rater."""
    clinic_id: str | None = None
    """Optional `clinic: {id}`: ties several raters' files to one clinic when names vary."""
    area: str | None = None
    """Optional `clinic: {area}`: the area a commissioner's review groups clinics by."""
    assumptions: dict[str, int] = field(default_factory=dict)
    """Budget assumptions the clinic overrides, in hundredths (questionnaire/costs.yaml ids)."""


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def parse_answers(src: LoadedFile, q: Questionnaire) -> AnswerFile:
    """Validate an answer document; raise ReadinessError with every problem, each with its line."""
    data = _header(src)
    reader = _Reader(src)
    reader.top_keys(data)
    qversion, assessed, role = reader.metadata(data)
    name, organisation, clinic_id, area = reader.clinic(data.get("clinic"))
    respondent_name, respondent_role = reader.respondent(data.get("respondent"))
    role = role if role is not None else respondent_role
    answers = reader.answers(data.get("answers"), q)
    assumptions = parse_assumptions(src, data.get("assumptions"), q.planning.costs if q.planning else None, reader.problems)
    if reader.problems:
        raise ReadinessError(reader.problems)
    assert name is not None
    return AnswerFile(name.strip(), organisation.strip() if organisation else None, qversion, assessed, role, answers,
                      (respondent_name or "").strip() or None, (clinic_id or "").strip() or None, (area or "").strip() or None,
                      assumptions)


# ------------------------------------------------------------------ the header: stop at the first problem


def _header(src: LoadedFile) -> dict[Any, Any]:
    """The top-level mapping, once it is known to be a version 1 answer file."""
    data = src.data
    if data is None or (isinstance(data, str) and not data.strip()):
        raise ReadinessError([src.problem((), Msg.EMPTY_ANSWERS)])
    if not isinstance(data, dict):
        raise ReadinessError([src.problem((), Msg.NOT_A_MAPPING)])
    if "version" not in data:
        raise ReadinessError([src.problem((), Msg.NO_VERSION)])
    if data["version"] != ANSWER_FILE_VERSION or isinstance(data["version"], bool):
        raise ReadinessError([src.problem(("version",), Msg.BAD_VERSION.format(version=quote(data["version"])))])
    return data


class _Reader:
    """Reads the rest of the file, collecting every problem before raising once."""

    def __init__(self, src: LoadedFile):
        self.src = src
        self.problems: list[Problem] = []

    def add(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(self.src.problem(path, message))

    # -------------------------------------------------------------- top-level keys and metadata

    def top_keys(self, data: dict[Any, Any]) -> None:
        for key in data:
            if key not in TOP_KEYS:
                self.add((key,), Msg.UNKNOWN_KEY.format(key=key, hint=hint(str(key), TOP_KEYS), allowed=", ".join(TOP_KEYS)))

    def text_field(self, container: dict[Any, Any], key: str, path: tuple[Any, ...], limit: int = MAX_NAME) -> str | None:
        value = container.get(key)
        if value is None:
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add(path, Msg.NOT_A_NUMBER.format(value=value))
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.add(path, Msg.WRONG_TYPE.format(key=key, expected="text", got=_kind(value)))
            return None
        if len(value) > limit:
            self.add(path, Msg.FIELD_TOO_LONG.format(key=key, length=len(value), limit=limit))
            return None
        return value if self.clean(path, key, value) else None

    def clean(self, path: tuple[Any, ...], key: str, value: str, multiline: bool = False) -> bool:
        """The untrusted-text gate (builder/core/text.py): False, with a problem, when `value` holds a control,
        invisible or direction-changing character."""
        bad = unsafe_char(value, multiline=multiline)
        if bad is None:
            return True
        self.add(path, Msg.UNSAFE_CHAR.format(key=key, kind=bad[0], char=bad[1]))
        return False

    def metadata(self, data: dict[Any, Any]) -> tuple[str | None, str | None, str | None]:
        """(questionnaire_version, assessed_on, respondent_role)."""
        qversion = self.text_field(data, "questionnaire_version", ("questionnaire_version",))
        role = self.text_field(data, "respondent_role", ("respondent_role",))
        assessed = self.text_field(data, "assessed_on", ("assessed_on",))
        if assessed is not None:
            try:
                if not DATE.fullmatch(assessed):
                    raise ValueError(assessed)
                day = dt.date.fromisoformat(assessed)
            except ValueError:
                self.add(("assessed_on",), Msg.BAD_DATE.format(key="assessed_on"))
                return qversion, None, role
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add(("assessed_on",), Msg.DATE_RANGE.format(key="assessed_on", first=FIRST_YEAR, last=LAST_YEAR))
            elif day > dt.date.today() + FUTURE_SLACK:  # a file from the future would be every review's latest round
                self.add(("assessed_on",), Msg.DATE_FUTURE.format(key="assessed_on", date=day.isoformat()))
            assessed = day.isoformat()
        return qversion, assessed, role

    # -------------------------------------------------------------- clinic

    def clinic(self, clinic: Any) -> tuple[str | None, str | None, str | None, str | None]:
        """(name, organisation, id, area)."""
        if clinic is None:
            self.add((), Msg.MISSING_KEY.format(key="clinic", example='clinic: {name: "Riverside Clinic", organisation: "Riverside NHS Trust"}'))
            return None, None, None, None
        if not isinstance(clinic, dict):
            self.add(("clinic",), Msg.WRONG_TYPE.format(key="clinic", expected="a mapping with 'name' and 'organisation'", got=_kind(clinic)))
            return None, None, None, None
        for key in clinic:
            if key not in CLINIC_KEYS:
                self.add(("clinic", key), Msg.UNKNOWN_KEY.format(key=key, hint=hint(str(key), CLINIC_KEYS), allowed=", ".join(CLINIC_KEYS)))
        said = len(self.problems)
        name = self.text_field(clinic, "name", ("clinic", "name"))
        name_refused = len(self.problems) > said  # too long, a control character: already said
        organisation = self.text_field(clinic, "organisation", ("clinic", "organisation"))
        if (not name or not name.strip()) and not name_refused:
            self.add(("clinic",), Msg.MISSING_KEY.format(key="name", example='name: "Riverside Clinic"'))
        return name, organisation, self.text_field(clinic, "id", ("clinic", "id")), self.text_field(clinic, "area", ("clinic", "area"))

    def respondent(self, respondent: Any) -> tuple[str | None, str | None]:
        """Optional `respondent: {name, role}`: (name, role); its role stands in for respondent_role when that is absent."""
        if respondent is None:
            return None, None
        if not isinstance(respondent, dict):
            self.add(("respondent",), Msg.WRONG_TYPE.format(key="respondent", expected="a mapping with 'name' and 'role'", got=_kind(respondent)))
            return None, None
        for key in respondent:
            if key not in RESPONDENT_KEYS:
                self.add(("respondent", key), Msg.UNKNOWN_KEY.format(key=key, hint=hint(str(key), RESPONDENT_KEYS), allowed=", ".join(RESPONDENT_KEYS)))
        return self.text_field(respondent, "name", ("respondent", "name")), self.text_field(respondent, "role", ("respondent", "role"))

    # -------------------------------------------------------------- answers, one question at a time

    def answers(self, raw: Any, q: Questionnaire) -> dict[str, Answer]:
        answers: dict[str, Answer] = {}
        if raw is None:
            raw = {}
        if not isinstance(raw, dict):
            self.add(("answers",), Msg.WRONG_TYPE.format(key="answers", expected="a mapping of question id to answer", got=_kind(raw)))
            raw = {}
        for qid, given in raw.items():
            question = q.question(str(qid))
            if question is not None and isinstance(given, str) and question.type == "single" and given in question.points_by_option:
                answers[qid] = chosen(given)  # the usual answer, one of a single choice's options: what answer() gives it
                continue
            if question is None:
                ids = [qu.id for qu in q.questions]
                self.add(("answers", qid), Msg.UNKNOWN_QUESTION.format(question=qid, hint=hint(str(qid), ids)))
                continue
            answer = self.answer(question, qid, given)
            if answer is not None:
                answers[qid] = answer
        return answers

    def answer(self, question: Question, qid: str, given: Any) -> Answer | None:
        """One answer, plain or as {answer, note}; None (with a problem) when it is wrong."""
        path: tuple[Any, ...] = ("answers", qid)
        note = None
        value = given
        if isinstance(given, dict):
            for key in given:
                if key not in ANSWER_KEYS:
                    self.add((*path, key), Msg.ANSWER_MAPPING.format(question=qid, key=key))
            value = given.get("answer")
            note = given.get("note")
            if note is not None and not isinstance(note, str):
                self.add((*path, "note"), Msg.NOTE_TEXT.format(question=qid))
                note = None
            elif note is not None and len(note) > MAX_NOTE:
                self.add((*path, "note"), Msg.FIELD_TOO_LONG.format(key="note", length=len(note), limit=MAX_NOTE))
                note = None
            elif note is not None and not self.clean((*path, "note"), "note", note, multiline=True):
                note = None
            path = (*path, "answer") if "answer" in given else path
        if value is None:
            return Answer(None, note)
        if question.type == "text":
            if not isinstance(value, str):
                self.add(path, Msg.TEXT_EXPECTED.format(question=qid))
                return None
            if len(value) > MAX_NOTE:
                self.add(path, Msg.FIELD_TOO_LONG.format(key=qid, length=len(value), limit=MAX_NOTE))
                return None
            if not self.clean(path, qid, value, multiline=True):
                return None
            return Answer(value.strip() or None, note)
        if question.type == "single":
            return self.single(question, qid, value, note, path)
        return self.multi(question, qid, value, note, path)

    def single(self, question: Question, qid: str, value: Any, note: str | None, path: tuple[Any, ...]) -> Answer | None:
        if isinstance(value, str) and value in question.points_by_option:  # the usual case, checked first: a review reads thousands
            return chosen(value) if note is None else Answer(value, note)
        options = [o.id for o in question.options]
        listed = ", ".join(options)
        if isinstance(value, list):
            self.add(path, Msg.SINGLE_GIVEN_LIST.format(question=qid, options=listed))
        elif not isinstance(value, str):
            self.add(path, Msg.OPTION_EXPECTED.format(question=qid, example=options[0], got=_kind(value)))
        elif value not in options:
            self.add(path, Msg.UNKNOWN_OPTION.format(value=value, question=qid, options=listed))
        else:
            return Answer(value, note)
        return None

    def multi(self, question: Question, qid: str, value: Any, note: str | None, path: tuple[Any, ...]) -> Answer | None:
        known = question.points_by_option
        if isinstance(value, list) and value and all(isinstance(v, str) and v in known for v in value) and len(set(value)) == len(value):
            exclusive = [o.id for o in question.options if o.exclusive and o.id in value]
            if not exclusive or len(value) == 1:  # the usual case, checked first; anything else gets the full check below
                return Answer([o for o in known if o in value], note)  # the questionnaire's order, as below
        options = [o.id for o in question.options]
        listed = ", ".join(options)
        if not isinstance(value, list):
            if isinstance(value, str):
                self.add(path, Msg.MULTI_GIVEN_SINGLE.format(question=qid, value=value))
            else:
                self.add(path, Msg.OPTION_EXPECTED.format(question=qid, example=options[0], got=_kind(value)))
            return None
        chosen: list[str] = []
        bad = False
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.add((*path, i), Msg.OPTION_EXPECTED.format(question=qid, example=options[0], got=_kind(item)))
                bad = True
            elif item not in options:
                self.add((*path, i), Msg.UNKNOWN_OPTION.format(value=item, question=qid, options=listed))
                bad = True
            elif item in chosen:
                self.add((*path, i), Msg.MULTI_DUPLICATE.format(question=qid, option=item))
                bad = True
            else:
                chosen.append(item)
        if bad:
            return None
        if not chosen:
            self.add(path, Msg.MULTI_EMPTY.format(question=qid, options=listed))
            return None
        exclusive = [o.id for o in question.options if o.exclusive and o.id in chosen]
        if exclusive and len(chosen) > 1:
            self.add(path, Msg.MULTI_EXCLUSIVE.format(question=qid, option=exclusive[0]))
            return None
        # Keep the questionnaire's order, so the same choices always give the same file and plan.
        return Answer([o for o in options if o in chosen], note)


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
    if af.respondent_name:
        doc["respondent"] = {"name": af.respondent_name}
    clinic: dict[str, Any] = {"name": af.clinic_name}
    if af.organisation:
        clinic["organisation"] = af.organisation
    if af.clinic_id:
        clinic["id"] = af.clinic_id
    if af.area:
        clinic["area"] = af.area
    doc["clinic"] = clinic
    answers: dict[str, Any] = {}
    for qu in q.questions:
        a = af.answers.get(qu.id)
        if a is None:
            continue
        answers[qu.id] = {"answer": a.value, "note": a.note} if a.note else a.value
    doc["answers"] = answers
    if af.assumptions:
        doc["assumptions"] = {k: float(plain(v)) if "." in plain(v) else int(plain(v)) for k, v in af.assumptions.items()}
    header = f"# Peer support readiness answers: {q.meta.title} {q.meta.version}\n"
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None)
