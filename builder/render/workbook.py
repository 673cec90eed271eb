"""review.xlsx: the review as a workbook a commissioner works in (XlsxWriter; bytes out). Up to IN_MEMORY_CELLS cells
it is built in memory; a larger review streams its rows through temporary files in the folder it is given, so memory
stays flat at any number of clinics.

One sheet per question a panel asks, each with a filter on every heading (an autofilter: the streaming writer
cannot make Excel tables), a frozen heading row, human column headings and ratings coloured by conditional formatting (the word is in the cell too).
The must-have gaps sheet is laid out like NICE's baseline assessment tools: one row per clinic and
safeguard, with empty Action, Owner and Due date columns for the governance team to fill in. Every text
cell goes through render.review.safe_cell, the one formula-safety rule, and is written as text, never as a
formula, a number or a link.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from builder.render.charts import COLOURS
from builder.render.review import lowest_agreement, panel_picture, safe_texts

Column = tuple[str, float, str]
"""(heading, width in characters, kind: "text", "int", "money", "rating" or "date")."""

IN_MEMORY_CELLS = 1_000_000
"""Up to this many cells (about 20,000 clinics; some 120 MB) the workbook is built in memory, which takes a quarter
less time than streaming (bench/review_bench.py at 10,000 files: 1.5 s against 2.0 s); a larger one streams its rows,
so the writer's memory never grows past this bound however many clinics there are. Either way the cells, filters,
frozen headings and colours are the same (tests/test_review_workbook.py)."""

SHEETS = ("Ranking", "Domains", "Areas", "Must-have gaps", "Disagreements", "Agreement", "Templates needed", "Progress", "Not included")
"""Every sheet the workbook has, in order (tests/test_review_workbook.py opens each in LibreOffice)."""


def _rating(r: str | None) -> str:
    return r.capitalize() if r else ""


def cell_writers(ws: Any) -> tuple[Callable[..., int], Callable[..., int]]:
    """(write a text cell, write a number cell) by row and column. XlsxWriter's write_string and write_number also take
    a cell as "A1", and a decorator converts their arguments on every call; the methods it then calls, _write_string
    and _write_number, are the same without it. A review writes hundreds of thousands of cells by row and column, and
    the workbook is the longest step of its writing, so it calls those: about 8% of the workbook's time at 10,000
    clinics (bench/review_bench.py). They are not XlsxWriter's documented interface, so a test builds the workbook
    both ways and compares the bytes (tests/test_review_workbook.py), and a version without them gets the public
    methods."""
    string, number = getattr(ws, "_write_string", None), getattr(ws, "_write_number", None)
    if callable(string) and callable(number):
        return string, number
    return ws.write_string, ws.write_number


class _Book:
    def __init__(self, generated_on: str, tmpdir: str | None) -> None:
        import datetime as dt

        import xlsxwriter

        self.buf = io.BytesIO()
        # tmpdir given: constant_memory, each row goes to a temporary file there as soon as the next begins, so memory
        # stays flat at any number of clinics (in-memory mode keeps every cell, about 115 bytes each: some 650 MB at
        # 100,000 files). Such a workbook
        # cannot hold Excel tables, so each sheet gets an autofilter (a filter on every heading) instead, in both modes.
        # Text stays text: no formula, number or link is read into a cell from the answer files.
        mode = {"constant_memory": True, "tmpdir": tmpdir} if tmpdir is not None else {"in_memory": True}
        self.wb = xlsxwriter.Workbook(self.buf, {**mode, "strings_to_formulas": False, "strings_to_numbers": False,
                                                 "strings_to_urls": False})
        # The day it was made, not the second: the same review on the same day gives the same bytes.
        self.wb.set_properties({"title": "Peer support readiness review", "subject": "Commissioners' review",
                                "created": dt.datetime.fromisoformat(generated_on)})
        self.head = self.wb.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#ECEFF8", "border": 1})
        self.money = self.wb.add_format({"num_format": "£#,##0"})
        self.two = self.wb.add_format({"num_format": "0.00"})
        self.wrap = self.wb.add_format({"text_wrap": True, "valign": "top"})
        self.fills = {r: self.wb.add_format({"bg_color": c, "font_color": "#FFFFFF", "bold": True}) for r, c in COLOURS.items()}
        self.safe = safe_texts()

    def text(self, value: Any) -> str:
        """A cell's text, formula-safe (every text cell is written as text, numbers in text columns too)."""
        return self.safe(str(value))  # type: ignore[no-any-return]

    def sheet(self, name: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *, freeze_cols: int = 0,
              note: str | None = None) -> None:
        """Rows are written in order as they come (constant_memory mode), so `rows` may be a generator."""
        ws = self.wb.add_worksheet(name)
        top = 0
        if note:
            ws.write_string(0, 0, self.text(note))
            top = 2
        for i, (_, width, kind) in enumerate(columns):
            ws.set_column(i, i, width, {"money": self.money, "num": self.two}.get(kind))
        ws.set_row(top, 30)
        for i, (heading, _, _) in enumerate(columns):
            ws.write_string(top, i, heading, self.head)
        numeric = [kind in ("int", "money", "num") for _, _, kind in columns]
        string, number = cell_writers(ws)
        text = self.text
        last = top
        for r, row in enumerate(rows, top + 1):
            last = r
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if numeric[c] and isinstance(value, (int, float)):
                    number(r, c, value)
                else:
                    string(r, c, text(value))
        if last == top:  # no rows: say so, so the filter has a row to stand on
            last = top + 1
            ws.write_string(last, 0, "None")
        ws.autofilter(top, 0, last, len(columns) - 1)
        for i, (_, _, kind) in enumerate(columns):
            if kind == "rating":
                for rating, fmt in self.fills.items():
                    ws.conditional_format(top + 1, i, last, i, {"type": "cell", "criteria": "==",
                                                               "value": f'"{_rating(rating)}"', "format": fmt})
        ws.freeze_panes(top + 1, freeze_cols)

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def cells(review: dict[str, Any]) -> int:
    """About how many cells the workbook has (its long sheets: ranking, must-have gaps, disagreements, agreement)."""
    width = 16 + 2 * len(review["domains"])
    return sum(width + 10 * len(c["must_haves"]) + 7 * len(c["disagreements"]) + (width if c["agreement"] else 0)
               for c in review["clinics"])


def review_xlsx(review: dict[str, Any], generated_on: str, tmpdir: str | None = None, *,
                in_memory_cells: int = IN_MEMORY_CELLS) -> bytes:
    """The workbook's bytes (`generated_on`: an ISO date, the file's creation date). Built in memory up to
    `in_memory_cells` cells; beyond, its rows stream through temporary files in `tmpdir` (builder/output/reviewio.py
    gives one beside the output; by default a fresh one in the system's temporary folder, removed after)."""
    if cells(review) <= in_memory_cells:
        return _review_xlsx(review, generated_on, None)
    if tmpdir is None:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="readiness-xlsx-") as made:
            return _review_xlsx(review, generated_on, made)
    return _review_xlsx(review, generated_on, tmpdir)


def _review_xlsx(review: dict[str, Any], generated_on: str, tmpdir: str | None) -> bytes:
    book = _Book(generated_on, tmpdir)
    domains = review["domains"]
    titles = {t["template"]: t["title"] for t in review["templates"]}

    cols: list[Column] = [("Rank", 7, "int"), ("Clinic", 34, "text"), ("Organisation", 28, "text"), ("Clinic id", 12, "text"),
                          ("Area", 14, "text"), ("Assessed on", 12, "text"), ("Raters", 8, "int"),
                          ("Overall score", 9, "int"), ("Overall rating", 10, "rating")]
    for d in domains:
        cols += [(f"{d['title']}: score", 11, "int"), (f"{d['title']}: rating", 11, "rating")]
    cols += [("Route", 14, "text"), ("Must-have gaps", 9, "int"), ("Which must-have gaps", 40, "text"),
             ("Templates needed", 40, "text"), ("Actions", 8, "int"), ("Questions raters disagree on", 11, "int"),
             ("Lowest rater agreement (r_wg(J))", 12, "num"),
             ("Estimated cost", 12, "money")]

    def ranking_rows() -> Iterable[list[Any]]:
        for c in review["clinics"]:
            row: list[Any] = [c["rank"], c["name"], c["organisation"], c["clinic_id"], c["area"], c["assessed_on"], len(c["raters"]),
                              c["overall"]["score"], _rating(c["overall"]["rating"])]
            for d in domains:
                cell = c["domains"][d["id"]]
                row += [cell["score"], _rating(cell["rating"])]
            row += [c["route"].replace("_", " "), len(c["must_haves"]), "; ".join(g["title"] for g in c["must_haves"]),
                    "; ".join(titles.get(t, t) for t in c["templates"]), len(c["actions"]), len(c["disagreements"]), lowest_agreement(c),
                    c["budget"]]
            yield row

    book.sheet("Ranking", cols, ranking_rows(), freeze_cols=2)

    panel = panel_picture(review)
    book.sheet("Domains", [("Domain", 34, "text"), ("Green (ready)", 10, "int"), ("Amber (partly ready)", 10, "int"),
                           ("Red (not ready yet)", 10, "int"), ("Average score", 10, "int")],
               [[d["title"], d["green"], d["amber"], d["red"], d["mean"]] for d in panel["by_domain"]], freeze_cols=1)
    book.sheet("Areas", [("Area", 24, "text"), ("Clinics", 9, "int"), ("Green", 9, "int"), ("Amber", 9, "int"), ("Red", 9, "int"),
                         ("Average score", 10, "int"), ("Must-have gaps", 10, "int")],
               [[a["area"], a["clinics"], a["green"], a["amber"], a["red"], a["mean"], a["gaps"]] for a in panel["areas"]], freeze_cols=1)

    domain_titles = {d["id"]: d["title"] for d in domains}
    book.sheet("Must-have gaps", [("Clinic", 34, "text"), ("Area", 14, "text"), ("Rank", 7, "int"), ("Overall rating", 10, "rating"),
                                  ("Must-have gap", 50, "text"), ("Domain", 24, "text"), ("Status", 14, "text"), ("Action", 40, "text"),
                                  ("Owner", 18, "text"), ("Due date", 12, "date")],
               ([c["name"], c["area"], c["rank"], _rating(c["overall"]["rating"]), g["title"], domain_titles.get(g["domain"], ""),
                 "Not in place", None, None, None] for c in review["clinics"] for g in c["must_haves"]),
               freeze_cols=1, note="One row per clinic and safeguard not yet in place: fill in the action, its owner and a due date.")

    # One row per clinic and question (every rater's answer in one cell): a sheet a person reads, a fraction of the
    # cells of one row per rater, which review-disagreements.csv has.
    book.sheet("Disagreements", [("Clinic", 34, "text"), ("Area", 14, "text"), ("Question", 44, "text"), ("Domain", 24, "text"),
                                 ("Answers", 60, "text"), ("Combined answer", 40, "text"), ("Agreement in the domain (r_wg(J))", 12, "num")],
               ([c["name"], c["area"], d["title"], domain_titles.get(d["domain"], ""),
                 "; ".join(f"{a['respondent']}: {a['answer']}" for a in d["answers"]), d["combined"],
                 (c["agreement"] or {}).get(d["domain"])]
                for c in review["clinics"] for d in c["disagreements"]),
               freeze_cols=1, note=review["rule"])

    agreement = review["agreement"]
    book.sheet("Agreement", [("Clinic", 34, "text"), ("Area", 14, "text"), ("Rank", 7, "int"), ("Raters", 8, "int")]
               + [(f"{d['title']}: r_wg(J)", 12, "num") for d in domains],
               ([c["name"], c["area"], c["rank"], len(c["raters"])] + [c["agreement"][d["id"]] for d in domains]
                for c in review["clinics"] if c["agreement"]),
               freeze_cols=1, note=(f"Within-clinic agreement per domain, r_wg(J) (James, Demaree and Wolf 1984, 1993); below "
                                    f"{agreement['threshold']:.2f} the raters disagree too much for their combined answers to stand "
                                    "for the clinic. Blank: nothing measurable in that domain."))
    book.sheet("Templates needed", [("Template", 44, "text"), ("Clinics whose plan lists it", 14, "int")],
               [[t["title"], t["clinics"]] for t in review["templates"]], freeze_cols=1)

    progress = []
    for c in review["clinics"]:
        e = c["earlier"]
        if not e:
            continue
        cmp = e["comparison"]
        progress.append([c["name"], c["area"], e["assessed_on"], c["assessed_on"], cmp["overall"]["before"], cmp["overall"]["after"],
                         cmp["overall"]["change"], _rating(cmp["overall"]["rating_before"]), _rating(cmp["overall"]["rating_after"]),
                         "; ".join(g["title"] for g in cmp["must_haves_met"]), "; ".join(g["title"] for g in cmp["new_gaps"]),
                         len(cmp["actions_done"]), len(cmp["new_actions"])])
    book.sheet("Progress", [("Clinic", 34, "text"), ("Area", 14, "text"), ("Assessed before", 12, "text"), ("Assessed since", 12, "text"),
                            ("Score before", 9, "int"), ("Score since", 9, "int"), ("Change", 9, "int"), ("Rating before", 10, "rating"),
                            ("Rating since", 10, "rating"), ("Must-haves met since", 40, "text"), ("New must-have gaps", 40, "text"),
                            ("Actions done", 9, "int"), ("New actions", 9, "int")], progress, freeze_cols=1)

    book.sheet("Not included", [("File", 50, "text"), ("Line", 7, "int"), ("Reason", 70, "text")],
               [[e["file"], e["line"], e["reason"]] for e in review["not_included"]], freeze_cols=1)
    return book.close()
