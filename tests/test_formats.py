"""Open formats: the XLSForm passes pyxform and ODK Validate, the FHIR resources parse with fhir.resources (R4B),
both exports enable exactly the questions the engine asks, and answers come back from every export kind unchanged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.checks.project import load_questionnaire
from builder.cli.main import cli
from builder.core.answers import AnswerFile, parse_answers
from builder.core.engine import evaluate_plan
from builder.core.errors import Msg, ReadinessError
from builder.core.formats.fhir import questionnaire_resource, response_resource
from builder.core.formats.fields import ABOUT_GROUP, Flat, answers_to_flat, field_groups, normalised, on_path, score_name
from builder.core.formats.xlsform import xlsform
from builder.core.schema import Questionnaire
from builder.core.text import unsafe_char
from builder.load.project import ROOT
from builder.load.sources import LoadedFile
from builder.load.submissions import answer_file, read_export
from builder.output.formats import workbook_bytes
from builder.output.gate import MARKER

xls2xform = pytest.importorskip("pyxform.xls2xform")
elementpath = pytest.importorskip("elementpath")
R4B_Q = pytest.importorskip("fhir.resources.R4B.questionnaire").Questionnaire
R4B_QR = pytest.importorskip("fhir.resources.R4B.questionnaireresponse").QuestionnaireResponse

CONFORMANCE = json.loads((ROOT / "tests" / "fixtures" / "conformance.json").read_text(encoding="utf-8"))["cases"]
CASES = [pytest.param(c["answers"], id=c["name"]) for c in CONFORMANCE]


def answer_file_of(q: Questionnaire, doc: dict[str, Any]) -> AnswerFile:
    return parse_answers(LoadedFile("case.yaml", doc), q)


# ---------------------------------------------------------------- the exports, by their own ecosystems' validators


@pytest.fixture(scope="module")
def xform(q: Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> ET.Element:
    """The exported workbook converted by pyxform with ODK Validate (Java) on; every warning must be one explained here."""
    path = tmp_path_factory.mktemp("xlsform") / "form.xlsx"
    path.write_bytes(workbook_bytes(xlsform(q)))
    warnings: list[str] = []
    result = xls2xform.convert(xlsform=str(path), warnings=warnings, validate=True)
    assert warnings == []  # none to explain: pyxform and ODK Validate are both silent
    return ET.fromstring(result.xform)


def test_odk_validate_really_runs(tmp_path: Path) -> None:
    """The validator the proof rests on is on: an XPath error pyxform itself lets through is caught by ODK Validate."""
    from pyxform.validators.odk_validate import ODKValidateError

    sheets = {"survey": [{"type": "text", "name": "a", "label": "A"},
                         {"type": "text", "name": "b", "label": "B", "relevant": "no-such-function(${a})"}]}
    with pytest.raises(ODKValidateError):
        xls2xform.convert(xlsform=sheets, validate=True, form_name="data")


def test_xlsform_has_groups_choices_settings_and_limits(q: Questionnaire, xform: ET.Element) -> None:
    sheets = xlsform(q)
    groups = [r["name"] for r in sheets.survey if r["type"] == "begin_group"]
    assert groups == [ABOUT_GROUP, *(f"domain-{d.id}" for d in q.domains), "budget-assumptions"]
    types = {r["name"]: r["type"] for r in sheets.survey}
    for qu in q.questions:
        assert types[qu.id] == {"single": f"select_one {qu.id}", "multi": f"select_multiple {qu.id}", "text": "text"}[qu.type]
        assert [c["name"] for c in sheets.choices if c["list_name"] == qu.id] == [o.id for o in qu.options]
    assert sheets.settings == [{"form_title": q.meta.title, "form_id": q.meta.formats.form_id, "version": q.meta.version}]  # type: ignore[union-attr]
    assert types["assessed-on"] == "date"
    xml = ET.tostring(xform, encoding="unicode")
    assert f'version="{q.meta.version}"' in xml


def test_workbook_is_byte_identical_each_time(q: Questionnaire) -> None:
    assert workbook_bytes(xlsform(q)) == workbook_bytes(xlsform(q))


def _strip_nulls(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _strip_nulls(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_strip_nulls(v) for v in data]
    return data


def test_fhir_questionnaire_parses_and_round_trips_with_fhir_resources(q: Questionnaire) -> None:
    data = questionnaire_resource(q)
    model = R4B_Q.model_validate(data)
    assert _strip_nulls(json.loads(model.model_dump_json())) == data
    assert data["url"] == q.meta.formats.canonical and data["version"] == q.meta.version  # type: ignore[union-attr]
    linkids = [i["linkId"] for g in data["item"] for i in [g, *g.get("item", []), *(s for i in g.get("item", []) for s in i.get("item", []))]]
    assert len(linkids) == len(set(linkids))


@pytest.mark.parametrize("doc", CASES[:40])
def test_fhir_response_parses_with_fhir_resources(q: Questionnaire, doc: dict[str, Any]) -> None:
    data = response_resource(q, answer_file_of(q, doc))
    assert _strip_nulls(json.loads(R4B_QR.model_validate(data).model_dump_json())) == data


# ---------------------------------------------------------------- routing: what each export enables is what the engine asks


def _leaves(group: ET.Element, path: str) -> list[tuple[str, str]]:
    out = []
    for child in group:
        here = f"{path}/{child.tag.split('}')[-1]}"
        out += _leaves(child, here) if len(child) else [(here, child.tag.split("}")[-1])]
    return out


def instance(xform: ET.Element, flat: Flat) -> tuple[ET.ElementTree, dict[str, str]]:
    """A plain instance shaped like the XForm's, holding `flat`, and each leaf's absolute path -> its name."""
    ns = {"x": "http://www.w3.org/2002/xforms", "h": "http://www.w3.org/1999/xhtml"}
    template = xform.find("h:head/x:model/x:instance", ns)
    assert template is not None
    (root,) = list(template)
    name = root.tag.split("}")[-1]
    top = ET.Element(name)
    nodes = {}
    for path, leaf in _leaves(root, f"/{name}"):
        parent = top
        for part in path.split("/")[2:-1]:
            found = parent.find(part)
            parent = found if found is not None else ET.SubElement(parent, part)
        value = flat.get(leaf)
        ET.SubElement(parent, leaf).text = " ".join(value) if isinstance(value, list) else value
        nodes[path] = leaf
    return ET.ElementTree(top), nodes


def xpath(doc: ET.ElementTree, expr: str) -> Any:
    return elementpath.select(doc, expr, parser=elementpath.XPath1Parser)


def xlsform_enabled(q: Questionnaire, xform: ET.Element, flat: Flat) -> set[str]:
    """The questions whose `relevant` holds, evaluated by elementpath over an instance holding `flat` (every value given,
    those of questions the engine skips too, so a stale value cannot leak into the routing unnoticed)."""
    doc, nodes = instance(xform, flat)
    questions = {qu.id for qu in q.questions}
    enabled = set(questions)
    for bind in xform.iter("{http://www.w3.org/2002/xforms}bind"):
        leaf = nodes.get(bind.get("nodeset", ""))
        if leaf in questions and bind.get("relevant") and not xpath(doc, f"boolean({bind.get('relevant')})"):
            enabled.discard(leaf)
    return enabled


def xlsform_scores(q: Questionnaire, xform: ET.Element, flat: Flat) -> dict[str, int]:
    """Each domain's `score-<domain>` calculation, evaluated by elementpath."""
    doc, nodes = instance(xform, flat)
    wanted = {score_name(d.id): d.id for d in q.domains}
    out = {}
    for bind in xform.iter("{http://www.w3.org/2002/xforms}bind"):
        leaf = nodes.get(bind.get("nodeset", ""))
        if leaf in wanted:
            value = xpath(doc, f"number({bind.get('calculate')})")
            assert float(value).is_integer(), (leaf, value)
            out[wanted[leaf]] = int(value)
    return out


def engine_scores(q: Questionnaire, af: AnswerFile) -> dict[str, int]:
    plan = evaluate_plan(q, af)
    return {d.id: plan["readiness"]["domains"][d.id]["score"] for d in q.domains}


def fhir_enabled(q: Questionnaire, resource: dict[str, Any], af: AnswerFile) -> set[str]:
    """R4's enableWhen rules, evaluated here: a disabled question has no answer; '=' some answer is the code,
    '!=' no answer is, 'exists' whether there is any; enableBehavior all or any (one test needs neither)."""
    given: dict[str, list[str]] = {}
    enabled: set[str] = set()
    for group in resource["item"]:
        for item in group.get("item", []):
            if item["linkId"] not in {qu.id for qu in q.questions}:
                continue
            tests = item.get("enableWhen", [])
            results = []
            for t in tests:
                codes = given.get(t["question"], [])
                if t["operator"] == "exists":
                    results.append(bool(codes) == t["answerBoolean"])
                else:
                    hit = t["answerCoding"]["code"] in codes
                    results.append(hit if t["operator"] == "=" else not hit)
            on = not tests or (all(results) if item.get("enableBehavior", "all") == "all" else any(results))
            if on:
                enabled.add(item["linkId"])
                a = af.answers.get(item["linkId"])
                if a is not None and a.value is not None:
                    given[item["linkId"]] = a.value if isinstance(a.value, list) else [a.value]
    return enabled


def all_values(q: Questionnaire, af: AnswerFile) -> Flat:
    """Every answer in the file, asked or not (what a careless form might still hold)."""
    flat: Flat = {}
    for qid, a in af.answers.items():
        if a.value is not None:
            flat[qid] = a.value
    return flat


@pytest.mark.parametrize("doc", CASES)
def test_routing_of_both_exports_and_the_forms_scores_equal_the_engines(q: Questionnaire, xform: ET.Element, doc: dict[str, Any]) -> None:
    af = answer_file_of(q, doc)
    asked = on_path(q, af)
    assert xlsform_enabled(q, xform, all_values(q, af)) == asked
    assert fhir_enabled(q, questionnaire_resource(q), af) == asked
    assert xlsform_scores(q, xform, all_values(q, af)) == engine_scores(q, af)


# ---------------------------------------------------------------- answers through every export kind and back


def table(q: Questionnaire, flats: list[Flat], sep: str) -> tuple[list[str], list[list[str]]]:
    """Submissions as KoboToolbox ('/' between group and field) or ODK Central ('-') head their columns, with their
    own metadata columns and a column per option of each multiple choice, which the reader must skip."""
    groups = field_groups(q)
    header = ["start", "end"] + [f"{groups[n]}{sep}{n}" for n in groups]
    multis = [qu for qu in q.questions if qu.type == "multi"]
    header += [f"{groups[qu.id]}{sep}{qu.id}{sep}{o.id}" for qu in multis for o in qu.options] + ["meta/instanceID", "_uuid"]
    rows = []
    for i, flat in enumerate(flats):
        row = ["2026-11-01T09:00:00", "2026-11-01T09:30:00"]
        row += [" ".join(v) if isinstance(v := flat.get(n, ""), list) else v for n in groups]
        row += ["1" if o.id in (flat.get(qu.id) or []) else "0" for qu in multis for o in qu.options]
        rows.append(row + [f"uuid:{i}", str(i)])
    return header, rows


def as_csv(q: Questionnaire, flats: list[Flat], delimiter: str = ";") -> bytes:
    header, rows = table(q, flats, "/")
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue().encode("utf-8")


def as_xlsx(q: Questionnaire, flats: list[Flat]) -> bytes:
    import openpyxl

    header, rows = table(q, flats, "-")
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            if value:
                cell = ws.cell(r, c, value)
                cell.data_type = "s"  # text as KoboToolbox writes it, even one that starts with '='

    raw = io.BytesIO()
    wb.save(raw)
    return raw.getvalue()


def as_xml(q: Questionnaire, flat: Flat) -> bytes:
    root = ET.Element("data", {"id": q.meta.formats.form_id, "version": q.meta.version})  # type: ignore[union-attr]
    groups: dict[str, ET.Element] = {}
    for name, group in field_groups(q).items():
        parent = groups.get(group)
        if parent is None:
            parent = groups[group] = ET.SubElement(root, group)
        value = flat.get(name, "")
        ET.SubElement(parent, name).text = " ".join(value) if isinstance(value, list) else value
    ET.SubElement(ET.SubElement(root, "meta"), "instanceID").text = "uuid:1"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def back(q: Questionnaire, name: str, raw: bytes) -> list[AnswerFile]:
    return [answer_file(q, sub) for sub in read_export(q, name, raw)]


def round_trips(q: Questionnaire, afs: list[AnswerFile]) -> dict[str, list[AnswerFile]]:
    flats = [answers_to_flat(q, af) for af in afs]
    responses = [response_resource(q, af) for af in afs]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in responses]}
    return {
        "kobo.csv": back(q, "kobo.csv", as_csv(q, flats)),
        "central.csv": back(q, "central.csv", as_csv(q, flats, ",")),
        "central.xlsx": back(q, "central.xlsx", as_xlsx(q, flats)),
        "instance.xml": [a for f in flats for a in back(q, "instance.xml", as_xml(q, f))],
        "response.json": [a for r in responses for a in back(q, "response.json", json.dumps(r).encode())],
        "bundle.json": back(q, "bundle.json", json.dumps(bundle).encode()),
        "responses.ndjson": back(q, "responses.ndjson", "\n".join(json.dumps(r) for r in responses).encode()),
    }


def test_every_conformance_case_comes_back_unchanged_from_every_export_kind(q: Questionnaire) -> None:
    afs = [answer_file_of(q, c["answers"]) for c in CONFORMANCE]
    expected = [normalised(q, af) for af in afs]
    for kind, got in round_trips(q, afs).items():
        assert len(got) == len(expected), kind
        for case, g, e in zip(CONFORMANCE, got, expected):
            assert g == e, f"{kind}: {case['name']}"


# Any text an answer file may hold: the untrusted-text gate (builder/core/text.py) refuses controls and hidden marks.
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(lambda t: unsafe_char(t) is None)
"""Texts as forms carry them: no control characters (XML cannot hold most, and forms strip the rest)."""


@st.composite
def answer_files(draw: st.DrawFn, q: Questionnaire) -> AnswerFile:
    answers: dict[str, Any] = {}
    for qu in q.questions:
        kind = draw(st.sampled_from(["absent", "absent", "answer", "answer", "answer", "note", "both"]))
        if kind == "absent":
            continue
        value: Any = None
        if kind in ("answer", "both"):
            if qu.type == "text":
                value = draw(_TEXT.filter(str.strip))
            elif qu.type == "single":
                value = draw(st.sampled_from([o.id for o in qu.options]))
            else:
                exclusive = [o.id for o in qu.options if o.exclusive]
                others = [o.id for o in qu.options if not o.exclusive]
                value = draw(st.one_of(st.sampled_from(exclusive).map(lambda o: [o]), st.lists(st.sampled_from(others), min_size=1, unique=True))
                             if exclusive else st.lists(st.sampled_from(others), min_size=1, unique=True))
        answers[qu.id] = {"answer": value, "note": draw(_TEXT)} if kind in ("note", "both") else value
    doc: dict[str, Any] = {"version": 1, "clinic": {"name": draw(_TEXT.filter(str.strip))}, "answers": answers}
    if draw(st.booleans()):
        doc["clinic"].update(organisation=draw(_TEXT.filter(str.strip)), id=draw(_TEXT.filter(str.strip)), area=draw(_TEXT.filter(str.strip)))
        doc["respondent"] = {"name": draw(_TEXT.filter(str.strip))}
        doc["respondent_role"] = draw(_TEXT)
        doc["assessed_on"] = draw(st.dates(min_value=__import__("datetime").date(2000, 1, 1), max_value=__import__("datetime").date.today())).isoformat()
    if q.planning and draw(st.booleans()):
        ids = [a.id for a in q.planning.costs.assumptions]
        chosen = draw(st.lists(st.sampled_from(ids), max_size=4, unique=True))
        doc["assumptions"] = {a: draw(st.integers(0, 10_000_000) | st.integers(0, 1_000_000).map(lambda h: h / 100)) for a in chosen}
    return answer_file_of(q, doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(af=answer_files(load_questionnaire()))
def test_generated_answers_route_alike_and_come_back_unchanged(q: Questionnaire, xform: ET.Element, af: AnswerFile) -> None:
    asked = on_path(q, af)
    assert xlsform_enabled(q, xform, all_values(q, af)) == asked
    assert fhir_enabled(q, questionnaire_resource(q), af) == asked
    assert xlsform_scores(q, xform, all_values(q, af)) == engine_scores(q, af)
    for kind, got in round_trips(q, [af]).items():
        assert got == [normalised(q, af)], kind


# ---------------------------------------------------------------- bad exports: located, checked like any answer file


def test_a_multiple_choice_exported_only_as_a_column_per_option_is_read(q: Questionnaire) -> None:
    """KoboToolbox can export a select-many question as one column per option only: the answers must not be lost."""
    afs = [answer_file_of(q, c["answers"]) for c in CONFORMANCE[:40]]
    header, rows = table(q, [answers_to_flat(q, af) for af in afs], "/")
    multis = {f"{field_groups(q)[qu.id]}/{qu.id}" for qu in q.questions if qu.type == "multi"}
    keep = [i for i, h in enumerate(header) if h not in multis]
    out = io.StringIO(newline="")
    csv.writer(out).writerows([[r[i] for i in keep] for r in [header, *rows]])
    assert back(q, "ticks.csv", out.getvalue().encode()) == [normalised(q, af) for af in afs]
    assert any(isinstance(a.value, list) for af in afs for a in af.answers.values())
    bad = out.getvalue().replace(",1,", ",yes please,", 1).encode()
    with pytest.raises(ReadinessError) as caught:
        [answer_file(q, sub) for sub in read_export(q, "ticks.csv", bad)]
    assert caught.value.problems[0].message.startswith("column '") and "'yes please'" in caught.value.problems[0].message


def test_a_bad_value_in_an_export_is_located_at_its_row(q: Questionnaire) -> None:
    flats = [answers_to_flat(q, answer_file_of(q, c["answers"])) for c in CONFORMANCE[:3]]
    flats[1]["budget"] = "plenty"
    raw = as_csv(q, flats)
    subs = read_export(q, "kobo.csv", raw)
    answer_file(q, subs[0])
    with pytest.raises(ReadinessError) as caught:
        answer_file(q, subs[1])
    (problem,) = caught.value.problems
    budget = next(qu for qu in q.questions if qu.id == "budget")
    assert problem.line == 3  # the header, then the first submission
    assert problem.message == Msg.UNKNOWN_OPTION.format(value="plenty", question="budget", options=", ".join(o.id for o in budget.options))


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("x.xml", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><data>&a;</data>', str(Msg.XML_DOCTYPE)),
    ("x.json", b'{"resourceType": "Patient"}', Msg.FHIR_NOT_RESPONSE.format(kind="Patient")),
    ("x.csv", b"a;b\n1;2\n", Msg.EXPORT_NO_NAME.format(column="clinic-name")),
    ("x.csv", b"about-clinic/clinic-name\n", str(Msg.EXPORT_EMPTY)),
    ("x.txt", b"hello", Msg.NOT_EXPORT.format(kind="txt")),
    ("x.csv", b"about-clinic/clinic-name\n\"" + b"a" * 200_000 + b"\"\n",
     Msg.EXPORT_UNREADABLE.format(kind="CSV", problem="field larger than field limit (131072)")),
    ("x.xlsx", b"PK\x03\x04 not really a workbook", Msg.EXPORT_UNREADABLE.format(kind="an Excel workbook", problem="BadZipFile: File is not a zip file")),
    ("x.ndjson", b'{"resourceType": "Bundle", "entry": []}\n', Msg.FHIR_NOT_RESPONSE.format(kind="Bundle")),
    ("x.csv", b"\xff\xfe", str(Msg.NOT_UTF8)),
])
def test_unreadable_exports_say_why_in_one_line(q: Questionnaire, name: str, raw: bytes, message: str) -> None:
    with pytest.raises(ReadinessError) as caught:
        read_export(q, name, raw)
    assert [p.message for p in caught.value.problems] == [message]


def test_a_response_may_nest_items_echo_help_texts_and_lists_unknown_items_at_their_line(q: Questionnaire) -> None:
    af = answer_file_of(q, CONFORMANCE[3]["answers"])
    resource = response_resource(q, af)
    first = resource["item"][1]["item"][0]
    # Nested under the answer, as some renderers write follow-ups, and the help text echoed: read the same.
    first["answer"][0]["item"] = resource["item"][1]["item"][1:]
    resource["item"][1]["item"] = [first, {"linkId": "help-" + first["linkId"], "text": "help"}]
    (sub,) = read_export(q, "r.json", json.dumps(resource, indent=1).encode())
    assert answer_file(q, sub) == normalised(q, af)
    resource["item"].append({"linkId": "favourite_colour", "answer": [{"valueString": "blue"}]})
    text = json.dumps(resource, indent=1)
    (sub,) = read_export(q, "r.json", text.encode())
    with pytest.raises(ReadinessError) as caught:
        answer_file(q, sub)
    (problem,) = caught.value.problems
    assert problem.message == Msg.FHIR_BAD_ITEM.format(link="favourite_colour", problem="not an item of the toolkit's Questionnaire")
    assert problem.line == next(i for i, line in enumerate(text.splitlines(), 1) if '"linkId": "favourite_colour"' in line)


def test_a_response_to_another_questionnaire_is_refused(q: Questionnaire) -> None:
    resource = response_resource(q, answer_file_of(q, CONFORMANCE[0]["answers"]))
    resource["questionnaire"] = "http://example.org/Questionnaire/phq-9|1"
    (sub,) = read_export(q, "r.json", json.dumps(resource, indent=1).encode())
    with pytest.raises(ReadinessError) as caught:
        answer_file(q, sub)
    assert caught.value.problems[0].message == Msg.FHIR_OTHER_FORM.format(given=resource["questionnaire"], canonical=q.meta.formats.canonical)  # type: ignore[union-attr]
    assert caught.value.problems[0].line == 3


# ---------------------------------------------------------------- the commands


def test_export_import_plan_and_review_commands(runner, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(cli, ["export", "--format", "xlsform", "-o", str(tmp_path / "form.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "form.xlsx").read_bytes() == workbook_bytes(xlsform(q))
    result = runner.invoke(cli, ["export", "--format", "xlsform"])
    assert result.exit_code == 2 and result.stderr == f"readiness export: error: {Msg.XLSFORM_NEEDS_OUTPUT}\n"
    result = runner.invoke(cli, ["export", "--format", "fhir"])
    assert result.exit_code == 0 and json.loads(result.stdout) == questionnaire_resource(q)
    result = runner.invoke(cli, ["plan", str(ROOT / "examples" / "riverside.yaml"), "--format", "fhir-response"])
    assert result.exit_code == 0
    response = json.loads(result.stdout)
    R4B_QR.model_validate(response)

    afs = [answer_file_of(q, c["answers"]) for c in CONFORMANCE[:5]]
    kobo = tmp_path / "kobo"
    kobo.mkdir()
    (kobo / "round1.csv").write_bytes(as_csv(q, [answers_to_flat(q, af) for af in afs[:3]]))
    (kobo / "late.xml").write_bytes(as_xml(q, answers_to_flat(q, afs[3])))
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"resourceType": "Bundle", "type": "collection",
                                  "entry": [{"resource": response_resource(q, af)} for af in afs]}), encoding="utf-8")
    out = tmp_path / "answers"
    result = runner.invoke(cli, ["import", str(kobo), str(bundle), "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir() if p.name != MARKER)
    assert names == ["bundle-001.yaml", "bundle-002.yaml", "bundle-003.yaml", "bundle-004.yaml", "bundle-005.yaml",
                     "late-001.yaml", "round1-001.yaml", "round1-002.yaml", "round1-003.yaml"]
    for name, af in zip(names[:5], afs):
        assert answer_file_of(q, __import__("yaml").safe_load((out / name).read_text(encoding="utf-8"))) == normalised(q, af)

    for source in (kobo, bundle):
        review = tmp_path / f"review-{source.name}"
        result = runner.invoke(cli, ["review", str(source), "-o", str(review), "--no-pdf"])
        assert result.exit_code == 0, result.output
        data = json.loads((review / "review.json").read_text(encoding="utf-8"))
        assert data["files"]["excluded"] == 0 and len(data["clinics"]) >= 1


def test_import_with_a_bad_submission_writes_nothing(runner, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    flats = [answers_to_flat(q, answer_file_of(q, c["answers"])) for c in CONFORMANCE[:2]]
    flats[0]["champions"] = ["nobody"]
    (tmp_path / "k.csv").write_bytes(as_csv(q, flats))
    result = runner.invoke(cli, ["import", str(tmp_path / "k.csv"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    champions = next(qu for qu in q.questions if qu.id == "champions")
    message = Msg.UNKNOWN_OPTION.format(value="nobody", question="champions", options=", ".join(o.id for o in champions.options))
    assert result.stderr == f"{tmp_path / 'k.csv'}:2: error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_a_missing_extra_is_named_in_one_line(runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import builtins

    real = builtins.__import__

    def no_openpyxl(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.split(".")[0] == "openpyxl":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    monkeypatch.delitem(__import__("sys").modules, "openpyxl", raising=False)
    result = runner.invoke(cli, ["export", "--format", "xlsform", "-o", str(tmp_path / "f.xlsx")])
    assert result.exit_code == 2
    assert result.stderr == "readiness: error: " + Msg.FORMATS_EXTRA_MISSING.format(what="the XLSForm export", extra="formats") + "\n"


@pytest.mark.slow
def test_the_site_offers_the_exports(built_site: Path, q: Questionnaire) -> None:
    from builder.output.formats import OPEN_FORMATS

    html = (built_site / "open-formats.html").read_text(encoding="utf-8")
    for name in OPEN_FORMATS.values():
        assert f'href="{name}"' in html, name
    assert (built_site / OPEN_FORMATS["xlsform"]).read_bytes() == workbook_bytes(xlsform(q))
    assert json.loads((built_site / OPEN_FORMATS["fhir"]).read_text(encoding="utf-8")) == questionnaire_resource(q)
    R4B_QR.model_validate(json.loads((built_site / OPEN_FORMATS["fhir-response"]).read_text(encoding="utf-8")))


def test_a_questionnaire_without_formats_says_what_to_add(runner, project) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import edit

    path = project.root / "questionnaire" / "questionnaire.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\nformats:\n") + 1
    end = text.index("\n", text.index("  code_system:", start)) + 1
    edit(path, text[start:end], "")
    for fmt in ("xlsform", "fhir"):
        result = runner.invoke(cli, ["export", "--root", str(project.root), "--format", fmt, "-o", str(project.root / "out")])
        assert result.exit_code == 1
        assert result.stderr == f"questionnaire/questionnaire.yaml: error: {Msg.NO_FORMATS}\n"


def test_the_guidance_page_gives_the_names_the_exports_use(q: Questionnaire) -> None:
    page = (ROOT / "guidance" / "open-formats.md").read_text(encoding="utf-8")
    assert q.meta.formats is not None
    assert f"`{q.meta.formats.canonical}`" in page and f"`{q.meta.formats.code_system}`" in page


@pytest.mark.parametrize(("condition", "why"), [
    ({"not": {"equals": ["note_taking", "none"]}}, "'not' of a test on 'note_taking', which is not asked of every clinic"),
    ({"any": [{"equals": ["space", "none"]}, {"all": [{"equals": ["booking", "none"]}, {"equals": ["training", "none"]}]}]},
     "'any' over a part that needs 'all'"),
])
def test_fhir_refuses_a_condition_it_cannot_carry(q: Questionnaire, condition: dict[str, Any], why: str) -> None:
    """Rather than approximate: R4's enableWhen is one flat list, and sees a skipped question as unanswered."""
    from pydantic import TypeAdapter

    from builder.core.formats.fhir import NotExpressible, enable_when
    from builder.core.schema import Condition

    with pytest.raises(NotExpressible) as caught:
        enable_when(q, TypeAdapter(Condition).validate_python(condition))
    assert str(caught.value) == why


def test_import_replaces_only_its_own_earlier_output(runner, q: Questionnaire, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    export = tmp_path / "round1.csv"
    export.write_bytes(as_csv(q, [answers_to_flat(q, answer_file_of(q, c["answers"])) for c in CONFORMANCE[:2]]))
    out = tmp_path / "answers"
    assert runner.invoke(cli, ["import", str(export), "-o", str(out)]).exit_code == 0
    assert runner.invoke(cli, ["import", str(export), "-o", str(out)]).exit_code == 0  # again: its own files are replaced
    assert sorted(p.name for p in out.iterdir() if p.name != MARKER) == ["round1-001.yaml", "round1-002.yaml"]
    keep = out / "riverside.yaml"
    keep.write_bytes((ROOT / "examples" / "riverside.yaml").read_bytes())
    result = runner.invoke(cli, ["import", str(export), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == f"{out}: error: {Msg.IMPORT_FOREIGN.format(name='riverside.yaml')}\n"
    assert keep.read_bytes() == (ROOT / "examples" / "riverside.yaml").read_bytes()
