"""review.xlsx: every sheet opens in LibreOffice Calc with human headings and the review's rows; tables, frozen
headings, filters and rating colours are in the file; text from answer files never becomes a formula; the writer keeps
flat memory past IN_MEMORY_CELLS cells (constant_memory mode, its temporary files in the folder it is given), with the
same cells either way."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.output.reviewio import collect
from builder.render.workbook import IN_MEMORY_CELLS, SHEETS, cells, review_xlsx

from .test_review import as_bytes, doc

sys.path.insert(0, str(ROOT / "bench"))
NASTY = '=HYPERLINK("http://x","y")'


@pytest.fixture(scope="module")
def review(q: Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from gen_answers import write

    folder = tmp_path_factory.mktemp("synthetic")
    write(folder, 120)
    (folder / "d000" / "zz-nasty.json").write_bytes(as_bytes(doc(clinic={"name": NASTY, "organisation": "@SUM(A1)", "area": "-North"})))
    (folder / "d000" / "zz-broken.yaml").write_text("version: 1\nclinic: {name: x\n", encoding="utf-8")
    r = collect(q, [folder], jobs=1)
    assert r["not_included"] and any(c["earlier"] for c in r["clinics"]) and any(c["disagreements"] for c in r["clinics"])
    return r


def sheets_in_calc(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice Calc reads it (headless, one CSV per sheet)."""
    profile = out / "profile"
    # 44,34,76: comma, double quote, UTF-8; the last field, -1, writes every sheet to its own file.
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(out), str(xlsx)],
                   check=True, capture_output=True, timeout=240)
    return {name: list(csv.reader(io.StringIO((out / f"{xlsx.stem}-{name}.csv").read_text(encoding="utf-8"), newline="")))
            for name in SHEETS}


def table_start(rows: list[list[str]]) -> int:
    """The heading row: the first row, or the third when the sheet opens with a note."""
    return 2 if rows[1] == [""] * len(rows[1]) else 0


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed")
def test_every_sheet_opens_in_libreoffice_calc(review: dict[str, Any], tmp_path: Path) -> None:
    xlsx = tmp_path / "review.xlsx"
    xlsx.write_bytes(review_xlsx(review, "2026-12-06"))
    sheets = sheets_in_calc(xlsx, tmp_path)
    body: dict[str, list[list[str]]] = {}
    heads: dict[str, list[str]] = {}
    for name, rows in sheets.items():
        start = table_start(rows)
        heads[name], body[name] = rows[start], rows[start + 1:]
        assert all(h and not re.fullmatch(r"[a-z_]+", h) for h in heads[name]), (name, heads[name])  # human headings, no ids

    clinics = review["clinics"]
    assert heads["Ranking"][:9] == ["Rank", "Clinic", "Organisation", "Clinic id", "Area", "Assessed on", "Raters", "Overall score", "Overall rating"]
    assert f"{review['domains'][0]['title']}: score" in heads["Ranking"]
    assert [int(r[0]) for r in body["Ranking"]] == list(range(1, len(clinics) + 1))
    assert [r[1] for r in body["Ranking"]] == [c["name"] if c["name"] != NASTY else "'" + NASTY for c in clinics]
    nasty = next(r for r in body["Ranking"] if r[1] == "'" + NASTY)
    assert nasty[2] == "'@SUM(A1)" and nasty[4] == "'-North"  # text, shown as typed, never run
    assert {r[8] for r in body["Ranking"]} <= {"Green", "Amber", "Red"}

    assert len(body["Domains"]) == len(review["domains"])
    assert sum(int(r[1]) for r in body["Areas"]) == len(clinics)
    gaps = sum(len(c["must_haves"]) for c in clinics)
    assert len(body["Must-have gaps"]) == gaps and heads["Must-have gaps"][-3:] == ["Action", "Owner", "Due date"]
    assert len(body["Disagreements"]) == sum(len(c["disagreements"]) for c in clinics) and sheets["Disagreements"][0][0] == review["rule"]
    first = next(c for c in clinics if c["disagreements"])
    row = next(r for r in body["Disagreements"] if r[0] == first["name"])
    assert row[4] == "; ".join(f"{a['respondent']}: {a['answer']}" for a in first["disagreements"][0]["answers"])
    assert len(body["Agreement"]) == sum(1 for c in clinics if c["agreement"])
    assert [r[0] for r in body["Templates needed"]] == [t["title"] for t in review["templates"]]
    assert len(body["Progress"]) == sum(1 for c in clinics if c["earlier"])
    broken = next(r for r in body["Not included"] if r[0].endswith("zz-broken.yaml"))
    left = next(e for e in review["not_included"] if e["file"].endswith("zz-broken.yaml"))
    assert broken[1] == str(left["line"]) and broken[2] == left["reason"]


def test_tables_frozen_headings_and_rating_colours_are_in_the_file(review: dict[str, Any]) -> None:
    with zipfile.ZipFile(io.BytesIO(review_xlsx(review, "2026-12-06"))) as z:
        names = z.namelist()
        sheets = [z.read(f"xl/worksheets/sheet{i}.xml").decode() for i in range(1, len(SHEETS) + 1)]
        book = z.read("xl/workbook.xml").decode()
    assert re.findall(r'<sheet name="([^"]+)"', book) == [s.replace("&", "&amp;") for s in SHEETS]
    # A filter on every heading of every sheet (an autofilter: constant_memory mode cannot hold Excel tables).
    assert not any(n.startswith("xl/tables/") for n in names)
    assert all(len(re.findall(r'<autoFilter ref="A\d+:[A-Z]+\d+"/>', s)) == 1 for s in sheets)
    assert all('state="frozen"' in s for s in sheets)
    ranking = sheets[0]
    assert ranking.count("<conditionalFormatting ") == 1 + len(review["domains"])  # every rating column
    assert ranking.count("<cfRule ") == 3 * (1 + len(review["domains"]))  # green, amber and red
    assert "<f>" not in "".join(sheets)  # no formulas at all


def test_same_review_same_day_same_bytes(review: dict[str, Any]) -> None:
    assert review_xlsx(review, "2026-12-06") == review_xlsx(review, "2026-12-06")


@pytest.mark.parametrize("in_memory_cells", [IN_MEMORY_CELLS, 0])
def test_the_undecorated_cell_writers_make_the_workbook_the_public_ones_make(review: dict[str, Any], in_memory_cells: int,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The workbook writes its cells through XlsxWriter's undecorated _write_string and _write_number (render/workbook.py's
    cell_writers: the public methods less their argument conversion). Byte for byte the workbook the public methods
    make, built in memory and streamed: an XlsxWriter whose private methods came to differ fails here, not in a
    commissioner's spreadsheet."""
    import xlsxwriter

    import builder.render.workbook as workbook

    string, number = workbook.cell_writers(xlsxwriter.Workbook(io.BytesIO()).add_worksheet())
    assert string.__name__ == "_write_string" and number.__name__ == "_write_number"  # this XlsxWriter has them
    fast = review_xlsx(review, "2026-12-06", in_memory_cells=in_memory_cells)
    monkeypatch.setattr(workbook, "cell_writers", lambda ws: (ws.write_string, ws.write_number))
    assert fast == review_xlsx(review, "2026-12-06", in_memory_cells=in_memory_cells)


def test_the_writer_streams_rows_through_the_folder_it_is_given_and_leaves_it_empty(review: dict[str, Any], tmp_path: Path,
                                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    made: list[str] = []
    real = tempfile.mkstemp

    def spy(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real(*args, **kwargs)
        made.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    data = review_xlsx(review, "2026-12-06", str(tmp_path), in_memory_cells=0)  # as a review past the bound is written
    assert made and all(Path(n).parent == tmp_path for n in made)  # every sheet's rows went to a file there, not to memory
    assert list(tmp_path.iterdir()) == []
    assert data == review_xlsx(review, "2026-12-06", in_memory_cells=0)
    made.clear()
    review_xlsx(review, "2026-12-06", str(tmp_path))  # this review is far under the bound: built in memory, no file made
    assert cells(review) <= IN_MEMORY_CELLS and not made and list(tmp_path.iterdir()) == []


def test_a_workbook_built_in_memory_and_one_streamed_hold_the_same_sheets_cells_and_formats(review: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    def read(data: bytes) -> dict[str, Any]:
        book = load_workbook(io.BytesIO(data))
        return {ws.title: {"cells": [[c.value for c in row] for row in ws.iter_rows()], "filter": ws.auto_filter.ref,
                           "frozen": ws.freeze_panes, "colours": sorted(str(r.sqref) for r in ws.conditional_formatting),
                           "widths": {k: d.width for k, d in ws.column_dimensions.items()}}
                for ws in book.worksheets}

    in_memory, streamed = read(review_xlsx(review, "2026-12-06")), read(review_xlsx(review, "2026-12-06", in_memory_cells=0))
    assert list(in_memory) == list(SHEETS)
    assert in_memory == streamed
    assert len(in_memory["Ranking"]["cells"]) == 1 + len(review["clinics"]) and in_memory["Ranking"]["colours"]


def test_the_writers_temporary_folder_beside_the_output_is_removed_and_a_killed_runs_is_swept(review: dict[str, Any],
                                                                                           tmp_path: Path) -> None:
    from builder.output.reviewio import review_outputs

    out = tmp_path / "rev"
    out.mkdir()
    dead = 2**22 + 13  # no such process: a run killed while its workbook was being written
    stale = out / f".review.xlsx.{dead}.k1ll3d.tmp"
    stale.mkdir()
    (stale / "tmpabc").write_text("rows of a sheet")
    review_outputs(review, ROOT / "templates", out, pdf=False)
    assert not [p.name for p in out.iterdir() if p.name.startswith(".review")]  # the stale folder swept, this run's own gone
    with zipfile.ZipFile(out / "review.xlsx") as z:
        assert z.testzip() is None and "xl/worksheets/sheet1.xml" in z.namelist()
