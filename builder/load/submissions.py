"""Submissions exported from ODK, KoboToolbox or a FHIR store, read into answer documents with their lines.

Kinds, by file name: `.csv` and `.xlsx` (a row per submission, headed by field names, as KoboToolbox and
ODK Central download them: `group/name`, `group-name` or the bare name), `.xml` (one XForm instance), and
`.json` / `.ndjson` holding FHIR QuestionnaireResponses (one, a Bundle of them, or one per line). Each
submission becomes an answer document that `parse_answers` then checks like any answer file, each problem
at the line (row) of the export it came from.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from builder.core import limits
from builder.core.answers import AnswerFile, parse_answers
from builder.core.errors import Msg, Problem, ReadinessError
from builder.core.formats.extra import require
from builder.core.formats.fhir import response_to_flat
from builder.core.formats.fields import Flat, field_groups, flat_to_doc
from builder.core.schema import Questionnaire
from builder.load.sources import LoadedFile, parse_json

TABLE_SUFFIXES = (".csv", ".xlsx")
EXPORT_SUFFIXES = (".csv", ".xlsx", ".xml", ".ndjson")
"""Always exports; a `.json` file is one when it holds a FHIR resource (see is_export)."""
SEPARATORS = ("/", "-", ".", ":")
"""How exports join a group's name and a field's: KoboToolbox '/', ODK Central '-', others '.' or ':'."""


@dataclass
class Submission:
    name: str
    """How the submission is shown: the export's name, then '#' and its number."""
    src: LoadedFile
    """The answer document, each field's path mapped to the export's line (row)."""
    problems: list[Problem] = field(default_factory=list)
    """What the export itself got wrong (an unknown FHIR item...), reported with the answers' problems."""


def is_export(display: str, raw: bytes) -> bool:
    """Whether a file given to `readiness review` is an export rather than an answer file."""
    lower = display.lower()
    if lower.endswith(EXPORT_SUFFIXES):
        return True
    return lower.endswith(".json") and b'"resourceType"' in raw[:4096]


def _fail(display: str, message: str, line: int | None = None) -> ReadinessError:
    return ReadinessError([Problem(display, line, message)])


def read_export(q: Questionnaire, display: str, raw: bytes) -> list[Submission]:
    """Every submission in one export, in the export's order; ReadinessError when the file as a whole cannot be read."""
    if len(raw) > limits.MAX_EXPORT_BYTES:
        raise _fail(display, Msg.EXPORT_TOO_LARGE.format(size=len(raw), limit=limits.MAX_EXPORT_BYTES))
    lower = display.lower()
    if lower.endswith(".csv"):
        subs = _from_rows(q, display, _csv_rows(display, raw))
    elif lower.endswith(".xlsx"):
        subs = _from_rows(q, display, _xlsx_rows(display, raw))
    elif lower.endswith(".xml"):
        subs = [_from_xml(q, display, raw)]
    elif lower.endswith((".json", ".ndjson")):
        subs = _from_fhir(q, display, raw, ndjson=lower.endswith(".ndjson"))
    else:
        raise _fail(display, Msg.NOT_EXPORT.format(kind=(display.rsplit(".", 1)[-1] if "." in display else "these")))
    if not subs:
        raise _fail(display, str(Msg.EXPORT_EMPTY))
    if len(subs) > limits.MAX_SUBMISSIONS:
        raise _fail(display, Msg.EXPORT_TOO_MANY.format(limit=limits.MAX_SUBMISSIONS))
    return subs


def answer_file(q: Questionnaire, sub: Submission) -> AnswerFile:
    """The submission checked by the rules and limits of any answer file; ReadinessError with every problem."""
    try:
        af = parse_answers(sub.src, q)
    except ReadinessError as exc:
        raise ReadinessError(sub.problems + exc.problems) from None
    if sub.problems:
        raise ReadinessError(sub.problems)
    return af


def _submission(q: Questionnaire, display: str, number: int, flat: Flat, lines: dict[str, int], first_line: int | None,
                problems: list[Problem] | None = None) -> Submission:
    doc, where = flat_to_doc(q, flat)
    src = LoadedFile(display, doc, {(): first_line} if first_line else {})
    for name, path in where.items():
        line = lines.get(name, first_line)
        if line:
            src.lines[path] = line
    return Submission(f"{display}#{number}", src, problems or [])


# ---------------------------------------------------------------- tables: CSV and XLSX


def _csv_rows(display: str, raw: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(display, str(Msg.NOT_UTF8)) from None
    first = text.split("\n", 1)[0]
    # KoboToolbox downloads CSV with ';' between fields; ODK Central with ','.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        line = 1
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + 1
            if len(rows) > limits.MAX_SUBMISSIONS + 1:
                raise _fail(display, Msg.EXPORT_TOO_MANY.format(limit=limits.MAX_SUBMISSIONS))
    except csv.Error as exc:
        raise _fail(display, Msg.EXPORT_UNREADABLE.format(kind="CSV", problem=exc), reader.line_num) from None
    return rows


def _xlsx_rows(display: str, raw: bytes) -> list[tuple[int, list[str]]]:
    openpyxl = require("openpyxl", "reading an XLSX export")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:  # refuse a zip bomb before openpyxl inflates anything
            if sum(i.file_size for i in zf.infolist()) > 10 * limits.MAX_EXPORT_BYTES:
                raise _fail(display, Msg.EXPORT_TOO_LARGE.format(size=sum(i.file_size for i in zf.infolist()), limit=10 * limits.MAX_EXPORT_BYTES))
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except ReadinessError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise _fail(display, Msg.EXPORT_UNREADABLE.format(kind="an Excel workbook", problem=f"{type(exc).__name__}: {exc}")) from None
    try:
        ws = wb.worksheets[0]  # KoboToolbox puts the submissions first, repeat groups on later sheets
        rows: list[tuple[int, list[str]]] = []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            rows.append((i, [_cell(v) for v in row]))
            if len(rows) > limits.MAX_SUBMISSIONS + 1:
                raise _fail(display, Msg.EXPORT_TOO_MANY.format(limit=limits.MAX_SUBMISSIONS))
        return rows
    finally:
        wb.close()


def _cell(value: Any) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_map(q: Questionnaire, header: list[str]) -> dict[int, str]:
    """Column -> field name, for the columns that hold the toolkit's fields (others: metadata, per-option columns)."""
    names: dict[str, str] = {}
    for name, group in field_groups(q).items():
        names[name] = name
        for sep in SEPARATORS:
            names[f"{group}{sep}{name}"] = name
    out: dict[int, str] = {}
    for i, column in enumerate(header):
        key = column.strip()
        for prefix in ("data/", "/data/"):  # a full XPath, as some tools head their columns
            key = key.removeprefix(prefix)
        if key in names and names[key] not in out.values():
            out[i] = names[key]
    return out


def _from_rows(q: Questionnaire, display: str, rows: list[tuple[int, list[str]]]) -> list[Submission]:
    if not rows:
        return []
    header = rows[0][1]
    columns = _header_map(q, header)
    if "clinic-name" not in columns.values():
        raise _fail(display, Msg.EXPORT_NO_NAME.format(column="clinic-name"), rows[0][0])
    ticks = _tick_columns(q, header, set(columns.values()))
    subs = []
    for n, (line, row) in enumerate(r for r in rows[1:] if any(cell.strip() for cell in r[1])):
        flat: Flat = {name: row[i] for i, name in columns.items() if i < len(row) and row[i] != ""}
        problems: list[Problem] = []
        for qid, options in ticks.items():  # a multiple choice exported only as a column per option
            chosen = []
            for i, option in options:
                cell = row[i].strip().lower() if i < len(row) else ""
                if cell in TICKED:
                    chosen.append(option)
                elif cell not in UNTICKED:
                    problems.append(Problem(display, line, Msg.EXPORT_TICK.format(column=header[i], value=row[i][:40])))
            if chosen:
                flat[qid] = chosen
        subs.append(_submission(q, display, n + 1, flat, {}, line, problems))
    return subs


TICKED = ("1", "true")
UNTICKED = ("0", "false", "")
"""How KoboToolbox marks an option in a select-many question's column per option."""


def _tick_columns(q: Questionnaire, header: list[str], found: set[str]) -> dict[str, list[tuple[int, str]]]:
    """Multiple-choice questions with no column of their own but a column per option (`group/question/option`)."""
    groups = field_groups(q)
    names: dict[str, tuple[str, str]] = {}
    for qu in q.questions:
        if qu.type != "multi" or qu.id in found:
            continue
        for o in qu.options:
            for sep in SEPARATORS:
                names[f"{groups[qu.id]}{sep}{qu.id}{sep}{o.id}"] = (qu.id, o.id)
                names[f"{qu.id}{sep}{o.id}"] = (qu.id, o.id)
    out: dict[str, list[tuple[int, str]]] = {}
    for i, column in enumerate(header):
        hit = names.get(column.strip())
        if hit is not None:
            out.setdefault(hit[0], []).append((i, hit[1]))
    return out


# ---------------------------------------------------------------- XForm instance XML


def _from_xml(q: Questionnaire, display: str, raw: bytes) -> Submission:
    from lxml import etree

    head = raw[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in raw.lower():
        raise _fail(display, str(Msg.XML_DOCTYPE))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise _fail(display, Msg.EXPORT_UNREADABLE.format(kind="XML", problem=exc.msg), exc.lineno) from None
    known = field_groups(q)
    flat: Flat = {}
    lines: dict[str, int] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or len(el):
            continue
        name = etree.QName(el).localname
        if name in known and name not in flat and el.text:  # a leaf's text, spaces and all, is the answer
            flat[name] = el.text or ""
            lines[name] = el.sourceline or 0
    return _submission(q, display, 1, flat, lines, root.sourceline)


# ---------------------------------------------------------------- FHIR QuestionnaireResponse


def _from_fhir(q: Questionnaire, display: str, raw: bytes, ndjson: bool) -> list[Submission]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(display, str(Msg.NOT_UTF8)) from None
    if ndjson:
        resources: list[tuple[Any, LoadedFile | None, int, tuple[Any, ...]]] = []
        for i, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                src = parse_json(line, display)
                src.lines = {path: i for path in src.lines} | {(): i}
                resources.append((src.data, src, i, ()))
        return _responses(q, display, resources)
    if len(raw) <= limits.MAX_BYTES:
        src = parse_json(text, display)  # with every key's line, and the limits of any JSON file
        data = src.data
    else:
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError) as exc:
            raise _fail(display, Msg.JSON_SYNTAX.format(problem=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from None
        src = LoadedFile(display, data, {})
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        entries = data.get("entry") or []
        return _responses(q, display, [(e.get("resource") if isinstance(e, dict) else None, src, src.line(("entry", i)) or 0, ("entry", i, "resource"))
                                       for i, e in enumerate(entries if isinstance(entries, list) else [])])
    return _responses(q, display, [(data, src, src.line(()) or 0, ())])


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(Msg.DUPLICATE_KEY.format(key=next(k for k in keys if keys.count(k) > 1)))
    return dict(pairs)


def _responses(q: Questionnaire, display: str, resources: list[tuple[Any, LoadedFile | None, int, tuple[Any, ...]]]) -> list[Submission]:
    subs = []
    for n, (resource, src, line, base) in enumerate(resources, start=1):
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind != "QuestionnaireResponse":
            raise _fail(display, Msg.FHIR_NOT_RESPONSE.format(kind=kind or "value without a resourceType"), line or None)
        assert isinstance(resource, dict)
        flat, where, found = response_to_flat(q, resource)

        def line_of(path: tuple[Any, ...], src: LoadedFile | None = src, line: int = line, base: tuple[Any, ...] = base) -> int | None:
            return (src.line((*base, *path)) if src is not None else None) or line or None

        problems = [Problem(display, line_of(path), message) for path, message in found]
        lines = {name: n_line for name, path in where.items() if (n_line := line_of(path))}
        subs.append(_submission(q, display, n, flat, lines, line or None, problems))
    return subs


# ---------------------------------------------------------------- `readiness import`


def import_exports(q: Questionnaire, paths: list[Any]) -> list[tuple[str, str]]:
    """Every submission in `paths` as (file name, answer-file YAML), named after its export and number.

    Every problem in every export is collected first; ReadinessError with all of them, so nothing is written.
    """
    import re
    from pathlib import Path

    from builder.core.answers import dump_answers
    from builder.load.gate import read_bytes

    problems: list[Problem] = []
    out: list[tuple[str, str]] = []
    taken: set[str] = set()
    files: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():  # a folder of exports, such as one XML file per submission
            files += sorted(p for p in given.rglob("*") if p.is_file() and p.name.lower().endswith((*EXPORT_SUFFIXES, ".json"))
                            and not any(part.startswith(".") for part in p.relative_to(given).parts))
        else:
            files.append(given)
    for path in files:
        try:
            subs = read_export(q, str(path), read_bytes(path, str(path), limits.MAX_EXPORT_BYTES))
        except ReadinessError as exc:
            problems += exc.problems
            continue
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.") or "export"
        for i, sub in enumerate(subs, start=1):
            try:
                af = answer_file(q, sub)
            except ReadinessError as exc:
                problems += exc.problems
                continue
            name = f"{stem}-{i:0{max(3, len(str(len(subs))))}d}.yaml"
            k = 2
            while name.casefold() in taken:
                name = f"{stem}-{i}-{k}.yaml"
                k += 1
            taken.add(name.casefold())
            out.append((name, dump_answers(af, q)))
    if problems:
        raise ReadinessError(problems)
    return out
