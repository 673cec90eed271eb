"""The review's outputs: CSV (Excel-safe), JSON, HTML with a heat-map picture, PDF; and the before/after comparison."""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..fileio import canonical_json
from .charts import COLOURS

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Cells Excel and LibreOffice would read as a formula (OWASP's CSV injection list)."""
TEXT_ON = {"green": "#ffffff", "amber": "#ffffff", "red": "#ffffff"}
LETTER = {"green": "G", "amber": "A", "red": "R"}


# ---------------------------------------------------------------- CSV


def safe_cell(value: Any) -> Any:
    """Text that starts like a formula gets a leading apostrophe, so a clinic name cannot run code in a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_header(review: dict[str, Any]) -> list[str]:
    head = ["rank", "clinic", "organisation", "clinic_id", "area", "assessed_on", "raters", "overall_score", "overall_rating"]
    for d in review["domains"]:
        head += [f"{d['id']}_score", f"{d['id']}_rating"]
    return head + ["route", "roles", "actions", "templates_needed", "must_have_gaps", "disagreements", "estimated_cost"]


def csv_row(review: dict[str, Any], c: dict[str, Any]) -> list[Any]:
    row: list[Any] = [c["rank"], c["name"], c["organisation"] or "", c["clinic_id"] or "", c["area"] or "",
                      c["assessed_on"] or "", len(c["raters"]), c["overall"]["score"], c["overall"]["rating"]]
    for d in review["domains"]:
        row += [c["domains"][d["id"]]["score"], c["domains"][d["id"]]["rating"]]
    return row + [c["route"], "; ".join(c["roles"]), len(c["actions"]), "; ".join(c["templates"]),
                  len(c["must_haves"]), len(c["disagreements"]), "" if c["budget"] is None else c["budget"]]


def review_csv(review: dict[str, Any]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), CRLF rows, fields quoted where needed."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(csv_header(review))
    for c in review["clinics"]:
        writer.writerow([safe_cell(v) for v in csv_row(review, c)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def review_json(review: dict[str, Any]) -> str:
    """Sorted keys and fixed separators like every JSON the toolkit writes, but compact: a review can hold thousands of clinics."""
    return json.dumps(review, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


# ---------------------------------------------------------------- heat-map picture


def heatmap_svg(review: dict[str, Any], limit: int | None = None) -> str:
    """Clinics (ranked) × overall and domains; every cell says its score and rating letter, colour is never the only cue."""
    cols = [("overall", "Overall")] + [(d["id"], d["title"]) for d in review["domains"]]
    clinics = review["clinics"][:limit] if limit else review["clinics"]
    name_w, cell_w, cell_h, head_h = 230, 62, 20, 118
    width = name_w + cell_w * len(cols) + 100  # room for the last rotated heading
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
        name = c["name"] if len(c["name"]) <= 34 else c["name"][:33] + "…"
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
    from .documents import environment

    return environment(templates_dir)


def review_html(review: dict[str, Any], templates_dir: Path, *, generated_on: str) -> str:
    template = _env(templates_dir).get_template("review.html.j2")
    return str(template.render(review=review, heatmap=Markup(heatmap_svg(review)), colours=COLOURS, generated_on=generated_on))


def compare_html(result: dict[str, Any], templates_dir: Path, *, generated_on: str) -> str:
    template = _env(templates_dir).get_template("compare.html.j2")
    return str(template.render(c=result, chart=Markup(compare_chart_svg(result["comparison"])), generated_on=generated_on))


def html_to_pdf(html_text: str, templates_dir: Path) -> bytes:
    """Tagged PDF of a self-contained page; the renderer may fetch nothing."""
    from weasyprint import HTML

    from .pdf import PDF_VARIANT, _fetcher_class

    fetcher = _fetcher_class()(templates_dir)
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


def _write_all(out: Path, outputs: dict[str, Iterable[str | bytes]]) -> list[str]:
    """Stream each output into a temporary file beside its target, then rename them all: a crash or a failed
    render leaves the old files (or none), never a half-written one; and a review of thousands of clinics never
    holds its whole HTML or JSON text in memory."""
    out.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, Path]] = []
    try:
        for name, chunks in outputs.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            temps.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp_name, 0o644)
        for name, done in temps:
            os.replace(done, out / name)
    except BaseException:
        for _, left in temps:
            left.unlink(missing_ok=True)
        raise
    return list(outputs)


def review_outputs(review: dict[str, Any], templates_dir: Path, out: Path, *, pdf: bool = True) -> list[str]:
    """Write review.json, review.csv, review.html (and review.pdf); returns the names written."""
    import datetime as dt

    today = dt.date.today().isoformat()
    outputs: dict[str, Iterable[str | bytes]] = {
        "review.json": itertools.chain(json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).iterencode(review), ["\n"]),
        "review.csv": [review_csv(review)],
    }
    template = _env(templates_dir).get_template("review.html.j2")
    context = {"review": review, "heatmap": Markup(heatmap_svg(review)), "colours": COLOURS, "generated_on": today}
    if pdf:
        page = str(template.render(**context))
        outputs["review.html"] = [page]
        outputs["review.pdf"] = [html_to_pdf(page, templates_dir)]
    else:
        outputs["review.html"] = template.generate(**context)
    names = _write_all(out, outputs)
    return names


def compare_outputs(result: dict[str, Any], templates_dir: Path, out: Path) -> list[str]:
    import datetime as dt

    from ..fileio import atomic_write

    page = compare_html(result, templates_dir, generated_on=dt.date.today().isoformat())
    files: dict[str, bytes | str] = {"compare.json": canonical_json(result), "compare.html": page,
                                     "compare.svg": compare_chart_svg(result["comparison"]), "compare.pdf": html_to_pdf(page, templates_dir)}
    for name, data in files.items():
        atomic_write(out / name, data)
    return list(files)
