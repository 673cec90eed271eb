"""Open-format outputs: the XLSForm workbook (openpyxl), FHIR JSON, and imported answer files, written atomically.

openpyxl comes with the optional `formats` extra; without it the command says in one line what to install.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

from builder.core.answers import AnswerFile
from builder.core.errors import Msg, Problem, ProjectError, ReadinessError
from builder.core.formats.extra import require
from builder.core.formats.xlsform import CHOICES_COLUMNS, SETTINGS_COLUMNS, SURVEY_COLUMNS, Sheets, xlsform
from builder.core.schema import Questionnaire
from builder.output.fileio import canonical_json, check_output_file, staged_folder, write_output

OPEN_FORMATS = {
    "xlsform": "downloads/open-formats/peer-support-readiness.xlsx",
    "fhir": "downloads/open-formats/peer-support-readiness.fhir.json",
    "fhir-response": "downloads/open-formats/example-response.fhir.json",
}
"""Where the site offers the exports (guidance/open-formats.md links these names)."""
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)
"""Every zip entry's date: the same questionnaire gives the same workbook, byte for byte."""


def no_formats() -> ProjectError:
    return ProjectError([Problem("questionnaire/questionnaire.yaml", None, str(Msg.NO_FORMATS))])


def _project_error(exc: ValueError) -> ProjectError:
    return ProjectError([Problem("questionnaire/questionnaire.yaml", None, str(exc))])


def workbook_for(q: Questionnaire) -> bytes:
    """The questionnaire's XLSForm workbook; ProjectError (exit 1) when the questionnaire cannot be written as one."""
    if q.meta.formats is None:
        raise no_formats()
    try:
        sheets = xlsform(q)
    except ValueError as exc:
        raise _project_error(exc) from None
    return workbook_bytes(sheets)


def fhir_questionnaire_json(q: Questionnaire) -> str:
    from builder.core.formats.fhir import questionnaire_resource

    if q.meta.formats is None:
        raise no_formats()
    try:
        return canonical_json(questionnaire_resource(q))
    except ValueError as exc:
        raise _project_error(exc) from None


def fhir_response_json(q: Questionnaire, af: AnswerFile) -> str:
    from builder.core.formats.fhir import response_resource

    if q.meta.formats is None:
        raise no_formats()
    return canonical_json(response_resource(q, af))


def workbook_bytes(sheets: Sheets) -> bytes:
    """The XLSForm as an .xlsx workbook: survey, choices and settings sheets, in that order, byte-for-byte stable."""
    openpyxl = require("openpyxl", "the XLSForm export")
    import datetime as dt

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, columns, rows in (("survey", SURVEY_COLUMNS, sheets.survey), ("choices", CHOICES_COLUMNS, sheets.choices),
                                 ("settings", SETTINGS_COLUMNS, sheets.settings)):
        ws = wb.create_sheet(title)
        used = [c for c in columns if any(r.get(c) for r in rows)]
        ws.append(used)
        for row in rows:
            ws.append([row.get(c) or None for c in used])
        ws.freeze_panes = "A2"
        for i, c in enumerate(used):
            widest = max([len(c)] + [len(r.get(c) or "") for r in rows])
            ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = min(60, max(10, widest + 2))
    fixed = dt.datetime(*_FIXED_TIME)
    wb.properties.creator = "readiness export"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    raw = io.BytesIO()
    wb.save(raw)
    return _stable_zip(raw.getvalue(), fixed.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _stable_zip(data: bytes, stamp: str) -> bytes:
    """The same zip with fixed entry dates, and the document properties' save time replaced by `stamp`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", lambda m: m.group(1) + stamp.encode() + m.group(2), body)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, body)
    return out.getvalue()


def write_file(output: Path, data: bytes | str, project_root: Path, inputs: Sequence[Path] = ()) -> None:
    check_output_file(output, project_root, inputs)
    write_output(output, data)


def write_answer_files(out: Path, files: list[tuple[str, str]], project_root: Path) -> None:
    """Write imported answer files into `out`, swapped in whole. Only a folder that is new, empty, or holds nothing but
    an earlier import of the same exports (`<export>-NNN.yaml`) is replaced, so a wrong -o never deletes a clinic's files."""
    from builder.output.fileio import check_output_folder_holding
    from builder.output.gate import MARKER

    check_output_folder_holding(out, project_root, (".yaml",))
    stems = sorted({re.sub(r"-\d+(?:-\d+)?\.yaml$", "", name) for name, _ in files})
    ours = re.compile("(?:" + "|".join(map(re.escape, stems)) + r")-\d+(?:-\d+)?\.yaml") if stems else None
    if out.is_dir():
        for entry in sorted(p.name for p in out.iterdir()):
            if entry == MARKER:  # the output gate's note that this folder is the toolkit's
                continue
            if ours is None or not ours.fullmatch(entry):
                raise ReadinessError([Problem(str(out), None, Msg.IMPORT_FOREIGN.format(name=entry))])
    with staged_folder(out) as stage:
        for name, text in files:
            (stage / name).write_text(text, encoding="utf-8")
