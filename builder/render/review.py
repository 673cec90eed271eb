"""The review's outputs as text and bytes: CSV (Excel-safe), JSON, HTML with a heat-map picture, PDF; and the before/after
comparison. Nothing here touches the disk: builder/output/reviewio.py writes them."""

from __future__ import annotations

import csv
import html
import io
import itertools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
from markupsafe import Markup, escape

from builder.core.review import AGREEMENT_THRESHOLD
from builder.core.text import FORMULA_START as FORMULA_START  # re-exported: the tests and the review read it here
from builder.core.text import spreadsheet_safe
from builder.load.paths import PACKAGE
from builder.render.charts import COLOURS

"""Cells Excel and LibreOffice would read as a formula (OWASP's CSV injection list)."""
TEXT_ON = {"green": "#ffffff", "amber": "#ffffff", "red": "#ffffff"}
LETTER = {"green": "G", "amber": "A", "red": "R"}
BADGE = {r: Markup(f'<span class="rating rating-{r}">{r.capitalize()}</span>') for r in ("green", "amber", "red")}
"""A rating as the review page shows it, made once (a macro call per cell is most of a large review's render time)."""


# ---------------------------------------------------------------- CSV


def safe_cell(value: Any) -> Any:
    """Text that could run as a formula gets a leading apostrophe (builder/core/text.py: full-width forms and leading
    spaces included), so a clinic name cannot run code in a spreadsheet."""
    return spreadsheet_safe(value)


CSV_COLUMNS = (("rank", "Rank"), ("clinic", "Clinic"), ("organisation", "Organisation"), ("clinic_id", "Clinic id"),
               ("area", "Area"), ("assessed_on", "Assessed on"), ("raters", "Raters"), ("overall_score", "Overall score"),
               ("overall_rating", "Overall rating"), ("{domain}_score", "{title}: score"), ("{domain}_rating", "{title}: rating"),
               ("route", "Route"), ("roles", "Roles"), ("actions", "Actions"), ("templates_needed", "Templates needed"),
               ("must_have_gaps", "Must-have gaps"), ("disagreements", "Questions raters disagree on"),
               ("estimated_cost", "Estimated cost (£)"))
"""review.csv's columns: (id, human heading); the two with {domain} repeat for each domain. review.js mirrors this
table (its CSV is byte-for-byte this one's); review-columns.csv gives each heading's id, for scripts."""


def csv_columns(review: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, heading) of every column in order: each domain's score and rating pair in the domains' order."""
    out: list[tuple[str, str]] = []
    for i, (cid, heading) in enumerate(CSV_COLUMNS):
        if cid == "{domain}_score":
            for d in review["domains"]:
                out += [(cid.format(domain=d["id"]), heading.format(title=d["title"])),
                        (CSV_COLUMNS[i + 1][0].format(domain=d["id"]), CSV_COLUMNS[i + 1][1].format(title=d["title"]))]
        elif cid != "{domain}_rating":
            out.append((cid, heading))
    return out


def csv_header(review: dict[str, Any]) -> list[str]:
    """Human headings (the ids are in review-columns.csv)."""
    return [h for _, h in csv_columns(review)]


def csv_row(review: dict[str, Any], c: dict[str, Any], titles: dict[str, str]) -> list[Any]:
    """`titles`: template id -> title (the review's templates)."""
    row: list[Any] = [c["rank"], c["name"], c["organisation"] or "", c["clinic_id"] or "", c["area"] or "",
                      c["assessed_on"] or "", len(c["raters"]), c["overall"]["score"], c["overall"]["rating"]]
    for d in review["domains"]:
        row += [c["domains"][d["id"]]["score"], c["domains"][d["id"]]["rating"]]
    return row + [c["route"], "; ".join(c["roles"]), len(c["actions"]), "; ".join(titles.get(t, t) for t in c["templates"]),
                  len(c["must_haves"]), len(c["disagreements"]), "" if c["budget"] is None else c["budget"]]


def _csv(rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), CRLF rows, every field quoted (so a name holding ';'
    stays one cell when a spreadsheet splits on ';', as European locales do), every cell
    through safe_cell."""
    return b"".join(_csv_chunks(rows))


def safe_texts() -> Callable[[Any], Any]:
    """safe_cell, each distinct text's safe form made once: names, areas, answers and ratings repeat on thousands of
    rows of a review's CSVs and workbook (one per file written, so it holds only that file's texts)."""
    made: dict[str, Any] = {}

    def safe(value: Any) -> Any:
        if not isinstance(value, str):
            return safe_cell(value)
        done = made.get(value)
        if done is None:
            done = made[value] = safe_cell(value)
        return done

    return safe


def _csv_chunks(rows: Iterable[list[Any]], per_chunk: int = 1000) -> Iterable[bytes]:
    """_csv(rows), byte for byte, a thousand rows at a time: a large review's CSV is never held whole in memory."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    buf.write("\ufeff")
    safe = safe_texts()
    for i, row in enumerate(rows, 1):
        writer.writerow([safe(v) for v in row])
        if i % per_chunk == 0:
            yield buf.getvalue().encode("utf-8")
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue().encode("utf-8")


def review_csv(review: dict[str, Any]) -> bytes:
    """One row per clinic under human headings."""
    return b"".join(review_csv_chunks(review))


def review_csv_chunks(review: dict[str, Any]) -> Iterable[bytes]:
    titles = {t["template"]: t["title"] for t in review["templates"]}
    return _csv_chunks(itertools.chain([csv_header(review)], (csv_row(review, c, titles) for c in review["clinics"])))


def review_columns_csv(review: dict[str, Any]) -> bytes:
    """review-columns.csv: each of review.csv's headings with its stable id, for scripts that read review.csv."""
    return _csv([["Heading", "Id"]] + [[h, i] for i, h in csv_columns(review)])


def disagreements_csv(review: dict[str, Any]) -> bytes:
    """review-disagreements.csv: one row per clinic, question and rater where a clinic's raters disagree."""
    return b"".join(disagreements_csv_chunks(review))


def disagreements_csv_chunks(review: dict[str, Any]) -> Iterable[bytes]:
    titles = {d["id"]: d["title"] for d in review["domains"]}
    head = ["Clinic", "Clinic id", "Area", "Rank", "Domain", "Question", "Question id", "Rater", "Role", "Answer", "Combined answer"]
    return _csv_chunks(itertools.chain([head], ([c["name"], c["clinic_id"] or "", c["area"] or "", c["rank"], titles.get(d["domain"], d["domain"]),
                                                 d["title"], d["question"], a["respondent"], a["role"] or "", a["answer"], d["combined"]]
                                                for c in review["clinics"] for d in c["disagreements"] for a in d["answers"])))


def review_json(review: dict[str, Any]) -> str:
    """Sorted keys and fixed separators like every JSON the toolkit writes, but compact: a review can hold thousands of clinics."""
    return _dumps(review) + "\n"


def _json(value: Any) -> bytes:
    """Compact canonical JSON in UTF-8: json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
    byte for byte (tests/test_review_fast_paths.py checks generated values, Unicode included), made by orjson, which
    writes a review of 10,000 clinics (33 MB) in a fifth of the time. A review holds only plain JSON values: text
    keys, 64-bit integers and finite numbers (scores and hundredths). Other keys or larger integers raise rather than
    write other bytes; a NaN, which no review figure can be, would be null here where json writes NaN."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _dumps(value: Any) -> str:
    return _json(value).decode("utf-8")


def review_json_chunks(review: dict[str, Any], per_chunk: int = 500) -> Iterable[bytes]:
    """review_json(review), byte for byte, as UTF-8 in pieces: the long lists (clinics, files not included) a few
    hundred entries at a time, so the whole text is never in memory at once."""
    yield b"{"
    for i, key in enumerate(sorted(review)):
        yield (b"," if i else b"") + _json(key) + b":"
        value = review[key]
        if isinstance(value, list) and len(value) > per_chunk:
            yield b"["
            for start in range(0, len(value), per_chunk):
                yield (b"," if start else b"") + _json(value[start:start + per_chunk])[1:-1]
            yield b"]"
        else:
            yield _json(value)
    yield b"}\n"


def later(make: Any, *args: Any, **kwargs: Any) -> Iterable[str | bytes]:
    """One chunk, made only when the writer asks for it."""
    yield make(*args, **kwargs)


# ---------------------------------------------------------------- table rows the page repeats thousands of times
# Built here rather than cell by cell in the template: the same escaping (markupsafe's), a fraction of the time.


def _score_cells(view: dict[str, Any], domains: list[dict[str, Any]]) -> str:
    cells = [view["overall"]] + [view["domains"][d["id"]] for d in domains]
    return "".join(f"<td>{int(x['score'])} {BADGE[x['rating']]}</td>" for x in cells)


def rater_rows(domains: list[dict[str, Any]]) -> Any:
    """`rater_rows(clinic)` for the page: a row of scores per rater, then the combined row."""
    def rows(c: dict[str, Any]) -> Markup:
        out = "".join(f'<tr><th scope="row">{escape(r["respondent"])}</th>{_score_cells(r, domains)}</tr>' for r in c["raters"])
        out += f'<tr><th scope="row">Combined</th>{_score_cells(c, domains)}</tr>'
        agreement = c.get("agreement") or {}
        cells = "".join(f"<td>{_agreement_text(agreement.get(d['id']))}</td>" for d in domains)
        return Markup(out + f'<tr><th scope="row">Agreement (r<sub>wg(J)</sub>)</th><td></td>{cells}</tr>')
    return rows


def lowest_agreement(c: dict[str, Any]) -> float | None:
    """The lowest r_wg(J) over a clinic's domains (None with one rater or nothing measurable)."""
    values = [v for v in (c.get("agreement") or {}).values() if v is not None]
    return min(values) if values else None


def _agreement_text(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:.2f}" + (" (low)" if v < AGREEMENT_THRESHOLD else "")


def _cell(score: Any, rating: str, gaps: list[dict[str, Any]] | None = None, label: str = "") -> str:
    mark = ""
    if gaps and rating != "green":  # a red or amber on a high score: the must-have gaps that cap it, reachable by keyboard
        why = escape(f"Capped by {plural(len(gaps), 'must-have gap')}: " + "; ".join(g["title"] for g in gaps))
        mark = f'<button type="button" class="gap-mark" aria-label="{why}" title="{why}">!</button>'
    return f'<td class="cell cell-{rating}" data-label="{escape(label)}">{int(score)} {BADGE[rating]}{mark}</td>'


def ranking_row(with_cost: bool, domains: list[dict[str, Any]] | None = None) -> Any:
    """`ranking_row(clinic)` for the page: one row of the ranking table, as review-table.js draws it from review-rows.js
    (data-label: each cell's heading, which a phone shows beside the value when the rows become cards)."""
    ids = [(d["id"], d["title"]) for d in domains or []]

    def row(c: dict[str, Any]) -> Markup:
        org = f'<br><span class="note">{escape(c["organisation"])}</span>' if c["organisation"] else ""
        budget = c["budget"]
        cost = (f'<td class="num" data-label="Estimated cost">{"" if budget is None else f"£{budget:,.0f}"}</td>' if with_cost else "")
        cells = "".join(_cell(c["domains"][d]["score"], c["domains"][d]["rating"], label=title) for d, title in ids)
        return Markup(f'<tr><td class="num" data-label="Rank">{int(c["rank"])}</td><th scope="row">{escape(c["name"])}{org}</th>'
                      f'<td data-label="Area">{escape(c["area"] or "")}</td>'
                      f'<td data-label="Assessed">{escape(c["assessed_on"] or "not dated")}</td><td class="num" data-label="Raters">{len(c["raters"])}</td>'
                      f'{_cell(c["overall"]["score"], c["overall"]["rating"], c["must_haves"], "Overall")}{cells}'
                      f'<td data-label="Route">{escape(c["route"].replace("_", " "))}</td><td class="num" data-label="Must-have gaps">{len(c["must_haves"])}</td>'
                      f'<td class="num" data-label="Actions">{len(c["actions"])}</td>'
                      f'<td class="num" data-label="Rater agreement">{_agreement_text(lowest_agreement(c))}</td>{cost}</tr>')
    return row


def num(n: int) -> str:
    """A count as the pages and the terminal write it: 4,526."""
    return f"{n:,}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """"1 file", "2 files": a count with its noun."""
    return f"{num(n)} {one if n == 1 else (many or one + 's')}"


# ---------------------------------------------------------------- bounded pages: what the page holds, what a data file holds


HTML_ROWS = 100
"""Rows of the ranking review.html is written with and shows at a time; every row is in review-rows.js."""
HTML_SECTION_CLINICS = 50
"""Clinics review.html details under "Several raters" and "Progress" (the first by rank); the rest are in the workbook."""
NOT_INCLUDED_ROWS = 500
"""Files not included that review.html lists; all are in review.json (and on the terminal)."""
NAMES_IN_A_LIST = 12
"""Clinic names a list on the page or the PDF spells out before "and N more"."""
PDF_ATTENTION = 20
"""Clinics the PDF lists as needing attention first."""
PDF_APPENDIX_ROWS = 150
"""Clinics in the PDF's ranked appendix (four pages); the rest are in review.csv. Each row costs render time."""
PDF_TOP = 10
"""Rows of each "most common" table in the PDF."""


def review_rows_js(review: dict[str, Any]) -> str:
    """review-rows.js: every clinic's ranking row as compact arrays (the layout review-table.js reads), as a classic
    script so that review.html opened from disk can load it (a page from file:// cannot fetch JSON)."""
    ids = [d["id"] for d in review["domains"]]
    gaps: dict[str, str] = {}
    rows = []
    for c in review["clinics"]:
        for g in c["must_haves"]:
            gaps.setdefault(g["id"], g["title"])
        rows.append([c["rank"], c["name"], c["organisation"], c["area"], c["assessed_on"], len(c["raters"]),
                     c["overall"]["score"], c["overall"]["rating"], c["route"], [g["id"] for g in c["must_haves"]],
                     len(c["actions"]), c["budget"], [[c["domains"][d]["score"], c["domains"][d]["rating"]] for d in ids],
                     lowest_agreement(c)])
    data = {"cost": bool(review["cost"]), "threshold": review["agreement"]["threshold"], "domains": review["domains"], "gaps": gaps, "rows": rows}
    # "<" escaped: the text stays inert even if someone pastes the file into a page.
    return "window.READINESS_REVIEW_ROWS = " + _dumps(data).replace("<", "\\u003c") + ";\n"


def panel_picture(review: dict[str, Any]) -> dict[str, Any]:
    """What the panel's PDF shows besides the review's own lists: ratings by domain, areas, clinics needing attention."""
    clinics = review["clinics"]
    by_domain = []
    for d in review["domains"]:
        counts = {k: 0 for k in ("green", "amber", "red")}
        total = 0
        for c in clinics:
            cell = c["domains"][d["id"]]
            counts[cell["rating"]] += 1
            total += cell["score"]
        by_domain.append({"title": d["title"], **counts, "mean": round(total / len(clinics)) if clinics else 0})
    areas: dict[str, dict[str, Any]] = {}
    for c in clinics:
        a = areas.setdefault(c["area"] or "", {"area": c["area"] or "No area given", "clinics": 0, "green": 0, "amber": 0, "red": 0,
                                               "total": 0, "gaps": 0})
        a["clinics"] += 1
        a[c["overall"]["rating"]] += 1
        a["total"] += c["overall"]["score"]
        a["gaps"] += len(c["must_haves"])
    area_rows = sorted(areas.values(), key=lambda a: (-a["clinics"], a["area"].casefold()))
    for a in area_rows:
        a["mean"] = round(a["total"] / a["clinics"])
    attention = sorted(clinics, key=lambda c: (-len(c["must_haves"]), c["overall"]["score"], c["rank"]))[:PDF_ATTENTION]
    return {"by_domain": by_domain, "areas": area_rows, "attention": attention,
            "attention_rule": (f"The {PDF_ATTENTION} clinics with the most must-have gaps (safeguards to put in place before "
                               "going live), the lowest score first among clinics with as many.")}


def change_rows(cmp: dict[str, Any]) -> Markup:
    """The before/after table's rows: overall, then each domain."""
    def one(title: str, r: dict[str, Any], before: str, after: str) -> str:
        return (f'<tr><th scope="row">{escape(title)}</th><td>{int(r["before"])} {BADGE[r[before]]}</td>'
                f'<td>{int(r["after"])} {BADGE[r[after]]}</td><td class="num">{int(r["change"]):+d}</td></tr>')
    o = cmp["overall"]
    return Markup(one("Overall", o, "rating_before", "rating_after") + "\n"
                  + "".join(one(d["title"], d, "rating_before", "rating_after") for d in cmp["domains"]))


def disagreement_rows(c: dict[str, Any]) -> Markup:
    """Each question the raters disagree on: every rater's answer, then the combined one."""
    return Markup("".join(f'<tr><th scope="row">{escape(d["title"])}</th>' + "".join(f"<td>{escape(a['answer'])}</td>" for a in d["answers"])
                          + f"<td>{escape(d['combined'])}</td></tr>" for d in c["disagreements"]))


# ---------------------------------------------------------------- heat-map picture


def heatmap_svg(review: dict[str, Any], limit: int | None = None) -> str:
    """Clinics (ranked) × overall and domains; every cell says its score and rating letter, colour is never the only cue."""
    cols = [("overall", "Overall")] + [(d["id"], d["title"]) for d in review["domains"]]
    clinics = review["clinics"][:limit] if limit else review["clinics"]
    # Headings are rotated 45 degrees: the longest reaches about 0.7 of its length (at ~6.6 px a character of
    # DejaVu Sans at 11 px) up and to the right, so the picture makes room for it; names are cut to fit their column.
    reach = int(max(len(t) for _, t in cols) * 6.6 * 0.71) + 16
    name_w, cell_w, cell_h, head_h = 250, 62, 20, max(118, reach)
    width = name_w + cell_w * len(cols) + reach
    height = head_h + cell_h * len(clinics) + 28
    e = html.escape
    counts = review["ratings"]
    label = (f"Heat-map of readiness: {len(review['clinics'])} clinics by overall and domain score; "
             f"{counts['green']} ready (green), {counts['amber']} partly ready (amber), {counts['red']} not ready yet (red). "
             "The ranking table below gives the same numbers.")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="hm-title" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
           f'<title id="hm-title">{e(label)}</title>']
    for i, (_, title) in enumerate(cols):
        x = name_w + cell_w * i + cell_w / 2
        weight = ' font-weight="bold"' if i == 0 else ""
        out.append(f'<text x="{x:.0f}" y="{head_h - 6}" transform="rotate(-45 {x:.0f} {head_h - 6})"{weight} fill="#1a1a1a">{e(title)}</text>')
    for r, c in enumerate(clinics):
        y = head_h + r * cell_h
        name = c["name"] if len(c["name"]) <= 30 else c["name"][:29] + "…"  # with "NNNN. " in front, within name_w
        out.append(f'<text x="{name_w - 6}" y="{y + 14}" text-anchor="end" fill="#1a1a1a">{c["rank"]}. {e(name)}</text>')
        for i, (cid, title) in enumerate(cols):
            cell = c["overall"] if cid == "overall" else c["domains"][cid]
            x = name_w + cell_w * i
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" fill="{COLOURS[cell["rating"]]}">'
                       f'<title>{e(c["name"])}: {e(title)} {cell["score"]} ({cell["rating"]})</title></rect>')
            out.append(f'<text x="{x + cell_w / 2:.0f}" y="{y + 14}" text-anchor="middle" fill="{TEXT_ON[cell["rating"]]}">'
                       f'{cell["score"]} {LETTER[cell["rating"]]}</text>')
    y = head_h + cell_h * len(clinics) + 18
    out.append(f'<text x="{name_w}" y="{y}" fill="#1a1a1a">G green (ready) · A amber (partly ready) · R red (not ready yet); '
               'numbers are scores out of 100</text>')
    out.append("</svg>")
    return "\n".join(out)


def compare_chart_svg(comparison: dict[str, Any]) -> str:
    """Paired bars per domain, before (outlined) and after (filled), each labelled with its score."""
    rows = [{"title": "Overall", **comparison["overall"]}] + comparison["domains"]
    name_w, bar_w, row_h = 260, 300, 34
    width, height = name_w + bar_w + 120, 40 + row_h * len(rows)
    e = html.escape
    alt = "Readiness before and after: " + "; ".join(f"{r['title']} {r['before']} to {r['after']}" for r in rows) + "."
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="cmp-title" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
           f'<title id="cmp-title">{e(alt)}</title>',
           f'<text x="{name_w}" y="16" fill="#1a1a1a">Outlined bar: before · filled bar: after (score out of 100)</text>']
    out.append(f'<line x1="{name_w}" y1="26" x2="{name_w}" y2="{height - 8}" stroke="#555555" stroke-width="1"/>')  # zero
    for i, r in enumerate(rows):
        y = 28 + i * row_h
        out.append(f'<text x="{name_w - 8}" y="{y + 18}" text-anchor="end" fill="#1a1a1a">{e(r["title"])}</text>')
        wb, wa = bar_w * r["before"] / 100, bar_w * r["after"] / 100
        out.append(f'<rect x="{name_w}" y="{y + 2}" width="{wb:.1f}" height="12" fill="#ffffff" stroke="{COLOURS[r["rating_before"]]}" stroke-width="1.5"/>')
        out.append(f'<rect x="{name_w}" y="{y + 16}" width="{wa:.1f}" height="12" fill="{COLOURS[r["rating_after"]]}"/>')
        sign = "+" if r["change"] > 0 else ""
        out.append(f'<text x="{name_w + bar_w + 8}" y="{y + 20}" fill="#1a1a1a">{r["before"]} → {r["after"]} ({sign}{r["change"]})</text>')
    out.append("</svg>")
    return "\n".join(out)


# ---------------------------------------------------------------- HTML and PDF


def _env(templates_dir: Path) -> Any:
    from builder.render.documents import environment

    return environment(templates_dir)


def warm_templates(templates_dir: Path) -> None:
    """Compile the review's pages now (they are compiled once per process; see output/reviewio.py's warm_writers)."""
    env = _env(templates_dir)
    for name in ("review.html.j2", "review_panel.html.j2"):
        env.get_template(name)


LIMITS = {"html_rows": HTML_ROWS, "section_clinics": HTML_SECTION_CLINICS, "not_included_rows": NOT_INCLUDED_ROWS,
          "names": NAMES_IN_A_LIST, "attention": PDF_ATTENTION, "appendix_rows": PDF_APPENDIX_ROWS, "top": PDF_TOP}


def _page_context(review: dict[str, Any], generated_on: str, panel: dict[str, Any]) -> dict[str, Any]:
    return {"review": review, "colours": COLOURS, "badge": BADGE, "generated_on": generated_on, "limits": LIMITS,
            "plural": plural, "num": num, "rater_rows": rater_rows(review["domains"]), "disagreement_rows": disagreement_rows,
            "ranking_row": ranking_row(bool(review["cost"]), review["domains"]), "change_rows": change_rows,
            "areas": panel["areas"],
            "several": [c for c in review["clinics"] if len(c["raters"]) > 1],
            "again": [c for c in review["clinics"] if c["earlier"]]}


HEATMAP_CSS = PACKAGE / "wizard" / "heatmap.css"
"""The heat-map's one stylesheet: the site's review page links it, review.html holds it (a page that stands alone)."""


def review_html(review: dict[str, Any], templates_dir: Path, *, generated_on: str, panel: dict[str, Any] | None = None) -> str:
    """review.html: the same size whatever the number of clinics (its ranking's rows are in review-rows.js). `panel`:
    panel_picture(review) when the caller has made it already (a review's writers share one)."""
    template = _env(templates_dir).get_template("review.html.j2")
    return str(template.render(**_page_context(review, generated_on, panel_picture(review) if panel is None else panel),
                               heatmap_css=Markup(HEATMAP_CSS.read_text(encoding="utf-8"))))  # the toolkit's own file


def review_panel_html(review: dict[str, Any], templates_dir: Path, *, generated_on: str, panel: dict[str, Any] | None = None) -> str:
    """The page review.pdf is made from: the area's picture for a funding panel, with a ranked appendix of at most
    PDF_APPENDIX_ROWS clinics, so its length does not grow with the number of clinics."""
    template = _env(templates_dir).get_template("review_panel.html.j2")
    panel = panel_picture(review) if panel is None else panel
    return str(template.render(**_page_context(review, generated_on, panel), panel=panel))


def review_pdf(review: dict[str, Any], templates_dir: Path, generated_on: str, *, panel: dict[str, Any] | None = None) -> bytes:
    return html_to_pdf(review_panel_html(review, templates_dir, generated_on=generated_on, panel=panel), templates_dir)


def compare_html(result: dict[str, Any], templates_dir: Path, *, generated_on: str) -> str:
    template = _env(templates_dir).get_template("compare.html.j2")
    return str(template.render(c=result, chart=Markup(compare_chart_svg(result["comparison"])), generated_on=generated_on))


def html_to_pdf(html_text: str, templates_dir: Path) -> bytes:
    """Tagged PDF of a self-contained page; the renderer may fetch nothing."""
    from builder.render.pdf import PDF_VARIANT, fetcher_class, load_weasyprint

    load_weasyprint()
    from weasyprint import HTML

    fetcher = fetcher_class()(templates_dir)
    doc = HTML(string=html_text, base_url=str(templates_dir.resolve()) + os.sep, url_fetcher=fetcher)
    return doc.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=False)  # type: ignore[no-any-return]


def compare_text(result: dict[str, Any]) -> str:
    """The comparison as a plain-text table for the terminal."""
    cmp = result["comparison"]
    b, a = result["before"], result["after"]
    lines = [f"{a['clinic']}: {b['assessed_on'] or 'undated'} ({b['file']}) → {a['assessed_on'] or 'undated'} ({a['file']})", ""]
    rows = [("Overall", cmp["overall"])] + [(d["title"], d) for d in cmp["domains"]]
    width = max(len(t) for t, _ in rows)
    lines.append(f"{'Domain':<{width}}  before          after           change")
    for title, r in rows:
        sign = "+" if r["change"] > 0 else ""
        lines.append(f"{title:<{width}}  {r['before']:>3} {r['rating_before']:<10}  {r['after']:>3} {r['rating_after']:<10}  {sign}{r['change']}")
    for heading, key in (("Must-haves met since", "must_haves_met"), ("New must-have gaps", "new_gaps")):
        lines += ["", f"{heading}: {len(cmp[key])}"] + [f"  - {g['title']}" for g in cmp[key]]
    lines += ["", f"Actions done or no longer needed: {len(cmp['actions_done'])}"] + [f"  - {x['title']}" for x in cmp["actions_done"]]
    lines += ["", f"New actions: {len(cmp['new_actions'])}"] + [f"  - {x['title']}" for x in cmp["new_actions"]]
    return "\n".join(lines) + "\n"
