"""The questionnaire as a FHIR R4 Questionnaire, answers as a QuestionnaireResponse, and responses back.

Pure: plain JSON-ready dicts. linkIds are the same names as the XLSForm's (builder/core/formats/fields.py);
each option is a Coding in the toolkit's one code system (`formats.code_system`), its code the option id.

Routing: R4's `enableWhen` is a flat list of tests combined by `enableBehavior` (all or any), and a
disabled question counts as not answered. The engine's conditions are written into that shape when they
fit: a test of one question (`equals`, `in`, `includes`, `includes_any`) is `=` on each option, and
`not` of such a test on a question every clinic is asked is `exists` plus `!=` on each option; `all` and
`any` join tests that are themselves all-lists or any-lists. A condition that does not fit is refused with
its question named, never approximated: tests/test_formats.py checks that the enabled items equal the
questions the engine asks.
"""

from __future__ import annotations

import re
from typing import Any

from builder.core.answers import AnswerFile
from builder.core.conditions import question_test
from builder.core.formats.fields import (
    ABOUT,
    ABOUT_GROUP,
    ASSUMPTIONS_GROUP,
    Flat,
    answers_to_flat,
    assumption_name,
    check_names,
    domain_name,
    help_name,
    note_name,
)
from builder.core.schema import All, AnyOf, Condition, Not, Question, Questionnaire

FHIR_VERSION = "4.0.1"


class NotExpressible(ValueError):
    """A condition that R4's flat enableWhen cannot carry faithfully."""


def _name(title: str) -> str:
    """A computer-friendly name (FHIR's `name`: starts with a capital, letters, digits and underscores)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    name = "".join(w[:1].upper() + w[1:] for w in words) or "Questionnaire"
    return name if name[0].isalpha() else "Q" + name


def _formats(q: Questionnaire) -> Any:
    if q.meta.formats is None:
        raise ValueError("questionnaire.yaml has no 'formats' section")
    return q.meta.formats


def enable_when(q: Questionnaire, cond: Condition) -> tuple[list[dict[str, Any]], str]:
    """(enableWhen tests, behaviour 'all' or 'any') holding exactly when the engine finds `cond` true."""
    system = _formats(q).code_system

    def coding(code: str) -> dict[str, Any]:
        return {"system": system, "code": code}

    def write(c: Condition) -> tuple[list[dict[str, Any]], str]:
        leaf = question_test(c)
        if leaf is not None:
            qid, options = leaf
            return [{"question": qid, "operator": "=", "answerCoding": coding(o)} for o in options], "any"
        if isinstance(c, Not) and (inner := question_test(c.not_)) is not None:
            qid, options = inner
            target = q.question(qid)
            if target is None or target.ask_if is not None:
                # When the routing skips `qid` the engine finds the `not` true, but FHIR sees no answer: no test can say both.
                raise NotExpressible(f"'not' of a test on '{qid}', which is not asked of every clinic")
            present = [{"question": qid, "operator": "exists", "answerBoolean": True}]
            return present + [{"question": qid, "operator": "!=", "answerCoding": coding(o)} for o in options], "all"
        if isinstance(c, (All, AnyOf)):
            behaviour = "all" if isinstance(c, All) else "any"
            tests: list[dict[str, Any]] = []
            for part in (c.all if isinstance(c, All) else c.any_):
                part_tests, part_behaviour = write(part)
                if len(part_tests) > 1 and part_behaviour != behaviour:
                    raise NotExpressible(f"'{behaviour}' over a part that needs '{part_behaviour}'")
                tests += part_tests
            return tests, behaviour
        raise NotExpressible(f"a '{type(c).__name__.lower()}' test")

    return write(cond)


def _enable(q: Questionnaire, qu: Question) -> dict[str, Any]:
    if qu.ask_if is None:
        return {}
    try:
        tests, behaviour = enable_when(q, qu.ask_if)
    except NotExpressible as exc:
        raise NotExpressible(f"question '{qu.id}': its ask_if cannot be written as FHIR R4 enableWhen ({exc}); "
                             "rewrite the condition with equals, in, includes or all/any of them") from None
    out: dict[str, Any] = {"enableWhen": tests}
    if len(tests) > 1:
        out["enableBehavior"] = behaviour
    return out


def questionnaire_resource(q: Questionnaire) -> dict[str, Any]:
    """The R4 Questionnaire: a group per domain (linkId `domain-<id>`), an item per question (linkId = its id)."""
    f = _formats(q)
    check_names(q)
    items: list[dict[str, Any]] = []
    about = []
    for field in ABOUT:
        item: dict[str, Any] = {"linkId": field.name, "text": field.label, "type": "date" if field.kind == "date" else "string"}
        if field.kind == "version":
            item["readOnly"] = True
            item["initial"] = [{"valueString": q.meta.version}]
        if field.required:
            item["required"] = True
        about.append(item)
    items.append({"linkId": ABOUT_GROUP, "text": "About your clinic", "type": "group", "item": about})
    for d in q.domains:
        group: list[dict[str, Any]] = []
        for qu in d.questions:
            enable = _enable(q, qu)
            item = {"linkId": qu.id, "text": qu.text, "type": "string" if qu.type == "text" else "choice", **enable}
            if qu.type == "multi":
                item["repeats"] = True
            if qu.options:
                item["answerOption"] = [{"valueCoding": {"system": f.code_system, "code": o.id, "display": o.label}} for o in qu.options]
            item["item"] = [{"linkId": help_name(qu.id), "text": qu.help, "type": "display"}]
            group.append(item)
            group.append({"linkId": note_name(qu.id), "text": "Note (optional): evidence, context or who to ask", "type": "text", **enable})
        items.append({"linkId": domain_name(d.id), "text": d.title, "type": "group", "item": group})
    if q.planning and q.planning.costs.assumptions:
        items.append({"linkId": ASSUMPTIONS_GROUP, "text": "Budget assumptions (optional)", "type": "group",
                      "item": [{"linkId": assumption_name(a.id), "text": a.label, "type": "decimal"} for a in q.planning.costs.assumptions]})
    return {
        "resourceType": "Questionnaire",
        "id": f.form_id.replace("_", "-"),
        "url": f.canonical,
        "version": q.meta.version,
        "name": _name(q.meta.title),
        "title": q.meta.title,
        "status": "active",
        "subjectType": ["Organization"],
        "item": items,
    }


# ---------------------------------------------------------------- answers as a QuestionnaireResponse


def response_resource(q: Questionnaire, af: AnswerFile) -> dict[str, Any]:
    """The answers as an R4 QuestionnaireResponse to the toolkit's Questionnaire (questions the routing skips are left out)."""
    f = _formats(q)
    flat = answers_to_flat(q, af)
    kinds = {field.name: field.kind for field in ABOUT}

    def answered(name: str, kind: str) -> dict[str, Any] | None:
        value = flat.get(name)
        if value is None:
            return None
        answers: list[dict[str, Any]]
        if isinstance(value, list) or kind == "choice":
            codes = value if isinstance(value, list) else [value]
            answers = [{"valueCoding": {"system": f.code_system, "code": c}} for c in codes]
        elif kind == "date":
            answers = [{"valueDate": value}]
        elif kind == "decimal":
            answers = [{"valueDecimal": float(value) if "." in value else int(value)}]
        else:
            answers = [{"valueString": value}]
        return {"linkId": name, "answer": answers}

    items: list[dict[str, Any]] = []
    about = [i for field in ABOUT if (i := answered(field.name, kinds[field.name])) is not None]
    items.append({"linkId": ABOUT_GROUP, "item": about})
    for d in q.domains:
        group = []
        for qu in d.questions:
            for name, kind in ((qu.id, "string" if qu.type == "text" else "choice"), (note_name(qu.id), "string")):
                item = answered(name, kind)
                if item is not None:
                    group.append(item)
        if group:
            items.append({"linkId": domain_name(d.id), "item": group})
    if q.planning:
        assumptions = [i for a in q.planning.costs.assumptions if (i := answered(assumption_name(a.id), "decimal")) is not None]
        if assumptions:
            items.append({"linkId": ASSUMPTIONS_GROUP, "item": assumptions})
    out: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{f.canonical}|{q.meta.version}",
        "status": "completed",
        "subject": {"display": af.clinic_name},
        "item": items,
    }
    if af.assessed_on:
        out["authored"] = af.assessed_on
    if af.respondent_name:
        out["author"] = {"display": af.respondent_name}
    return out


# ---------------------------------------------------------------- a QuestionnaireResponse back to a submission


def response_to_flat(q: Questionnaire, resource: dict[str, Any]) -> tuple[Flat, dict[str, tuple[Any, ...]], list[tuple[tuple[Any, ...], str]]]:
    """(submission, the JSON path of each field's answer, problems as (path, message)) from one QuestionnaireResponse.

    Items are found at any depth (groups may be flattened or nested differently by other tools); a linkId
    the toolkit does not know is reported, as an unknown question is in an answer file.
    """
    from builder.core.errors import Msg
    from builder.core.formats.fields import field_names

    f = _formats(q)
    # Groups and the help texts' display items carry no answers, but a form filler may echo them: known, and skipped.
    known = set(field_names(q)) | {ABOUT_GROUP, ASSUMPTIONS_GROUP} | {domain_name(d.id) for d in q.domains} | {help_name(qu.id) for qu in q.questions}
    flat: Flat = {}
    where: dict[str, tuple[Any, ...]] = {}
    problems: list[tuple[tuple[Any, ...], str]] = []
    multi = {qu.id for qu in q.questions if qu.type == "multi"}

    given = resource.get("questionnaire")
    if isinstance(given, str) and given.split("|", 1)[0] != f.canonical:
        problems.append((("questionnaire",), Msg.FHIR_OTHER_FORM.format(given=given, canonical=f.canonical)))
        return flat, where, problems

    def value_of(answer: Any, path: tuple[Any, ...], link: str) -> str | None:
        if not isinstance(answer, dict):
            problems.append((path, Msg.FHIR_BAD_ITEM.format(link=link, problem="an answer should be an object")))
            return None
        keys = [k for k in answer if k.startswith("value")]
        if len(keys) != 1:
            problems.append((path, Msg.FHIR_BAD_ITEM.format(link=link, problem="each answer holds exactly one value[x]")))
            return None
        key, value = keys[0], answer[keys[0]]
        if key == "valueCoding":
            if not isinstance(value, dict) or not isinstance(value.get("code"), str):
                problems.append(((*path, key), Msg.FHIR_BAD_ITEM.format(link=link, problem="a Coding needs a code")))
                return None
            if value.get("system") not in (None, f.code_system):
                problems.append(((*path, key), Msg.FHIR_BAD_ITEM.format(
                    link=link, problem=f"code system '{value.get('system')}' is not the toolkit's '{f.code_system}'")))
                return None
            return str(value["code"])
        if key in ("valueString", "valueDate") and isinstance(value, str):
            return value
        if key in ("valueDecimal", "valueInteger") and isinstance(value, (int, float)) and not isinstance(value, bool):
            return repr(value) if isinstance(value, float) else str(value)
        problems.append(((*path, key), Msg.FHIR_BAD_ITEM.format(link=link, problem=f"{key} is not read here")))
        return None

    def walk(items: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(items, list):
            problems.append((path, Msg.FHIR_BAD_ITEM.format(link=path[-2] if len(path) > 1 else "item", problem="'item' should be a list")))
            return
        for i, item in enumerate(items):
            here = (*path, i)
            if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
                problems.append((here, Msg.FHIR_BAD_ITEM.format(link="?", problem="every item needs a linkId")))
                continue
            link = item["linkId"]
            if link not in known:
                problems.append(((*here, "linkId"), Msg.FHIR_BAD_ITEM.format(link=link, problem="not an item of the toolkit's Questionnaire")))
                continue
            answers = item.get("answer") or []
            values = [v for j, a in enumerate(answers if isinstance(answers, list) else [answers])
                      if (v := value_of(a, (*here, "answer", j), link)) is not None]
            if values:
                if link in flat:
                    problems.append((here, Msg.FHIR_BAD_ITEM.format(link=link, problem="answered twice; keep one item")))
                elif link in multi:
                    flat[link] = values
                elif len(values) > 1:
                    problems.append((here, Msg.FHIR_BAD_ITEM.format(link=link, problem="takes one answer")))
                else:
                    flat[link] = values[0]
                where[link] = (*here, "answer")
            if "item" in item:
                walk(item["item"], (*here, "item"))
            for j, a in enumerate(answers if isinstance(answers, list) else []):
                if isinstance(a, dict) and "item" in a:
                    walk(a["item"], (*here, "answer", j, "item"))

    walk(resource.get("item", []), ("item",))
    return flat, where, problems
