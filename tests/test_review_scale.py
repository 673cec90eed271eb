"""The review at any scale (issue 23): review.html and review.pdf stay the same size whatever the number of clinics;
every clinic's row is in review-rows.js, which the page's table pages, sorts and filters."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.output.reviewio import collect, review_outputs
from builder.render import review as render
from builder.render.review import (
    HTML_ROWS,
    PDF_APPENDIX_ROWS,
    plural,
    review_html,
    review_panel_html,
    review_pdf,
    review_rows_js,
)

from .conftest import run_axe

sys.path.insert(0, str(ROOT / "bench"))
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="module")
def base(q: Questionnaire, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from gen_answers import write

    folder = tmp_path_factory.mktemp("synthetic")
    write(folder, 300)
    review = collect(q, [folder], jobs=1)
    assert len(review["clinics"]) > 100
    return review


def scaled(review: dict[str, Any], n: int) -> dict[str, Any]:
    """The review with n clinics: its own repeated under new names, ranked as they come (the pages need no more)."""
    out = {k: v for k, v in review.items() if k != "clinics"}
    clinics = []
    for i in range(n):
        c = copy.copy(review["clinics"][i % len(review["clinics"])])
        c["name"] = f"{c['name']} {i // len(review['clinics'])}" if i >= len(review["clinics"]) else c["name"]
        c["rank"] = i + 1
        clinics.append(c)
    out["clinics"] = clinics
    return out


def ranking_rows(page: str) -> int:
    body = page.split('id="ranking-table"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


def test_synthetic_clinics_spread_over_the_ratings(base: dict[str, Any]) -> None:
    """bench/gen_answers.py answers every question (nation, service, under-18s, the hazard log's) and solves the go-live
    conditions for clinics far enough along, so the bench's clinics are not all red on one missing safeguard: each
    rating holds at least a sixth of them, some reds score high (one safeguard missing) and some clinics have no gap."""
    clinics = base["clinics"]
    counts = base["ratings"]
    assert all(counts[r] >= len(clinics) / 6 for r in ("green", "amber", "red")), counts
    assert any(c["overall"]["rating"] == "red" and c["overall"]["score"] >= 70 for c in clinics)
    assert sum(1 for c in clinics if not c["must_haves"]) >= len(clinics) / 4
    assert sum(1 for c in clinics if len(c["must_haves"]) == 1) >= 3


def test_plural() -> None:
    assert [plural(0, "file"), plural(1, "file"), plural(2, "file"), plural(10_000, "clinic"), plural(2, "analysis", "analyses")] == \
        ["0 files", "1 file", "2 files", "10,000 clinics", "2 analyses"]


def test_html_does_not_grow_with_the_clinics(base: dict[str, Any]) -> None:
    small, large = scaled(base, 120), scaled(base, 10_000)
    a, b = (review_html(r, TEMPLATES, generated_on="2026-12-06") for r in (small, large))
    assert ranking_rows(a) == ranking_rows(b) == HTML_ROWS
    assert len(b.encode("utf-8")) < 2_000_000
    assert len(b) < 1.15 * len(a), (len(a), len(b))  # only the counts and "N more" notes differ
    assert f"only the first {HTML_ROWS} of 10,000" in b and "review.csv" in b
    assert '<script src="review-rows.js"></script>' in b and '<script src="review-table.js"></script>' in b


def _contrast(fore: str, back: str) -> float:
    """WCAG 2.2's contrast ratio of two #rrggbb colours."""
    def lum(hex_: str) -> float:
        c = [int(hex_[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((lum(fore), lum(back)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_heat_map_has_one_stylesheet_for_the_site_and_the_command(base: dict[str, Any]) -> None:
    """heatmap.css is the heat-map's only rules: review.html holds it whole, the site's review page links it, and no
    other stylesheet restates them (the two copies had drifted: amber cells were two different colours)."""
    css = render.HEATMAP_CSS.read_text(encoding="utf-8")
    page = review_html(scaled(base, 120), TEMPLATES, generated_on="2026-12-06")
    assert css in page and "</style" not in css.lower()
    assert 'href="assets/wizard/heatmap.css"' in (ROOT / "guidance" / "review.md").read_text(encoding="utf-8")
    for other in (render.HEATMAP_CSS.with_name("review.css"), TEMPLATES / "_review_style.html.j2", TEMPLATES / "review.html.j2"):
        text = other.read_text(encoding="utf-8")
        assert not re.search(r"table\.heat (td|th|thead|tbody|tr)|\.cell-(green|amber|red)|\.gap-mark|\.rt-controls", text), other
    fills = dict(re.findall(r"\.cell-(green|amber|red) \{ background: (#[0-9a-f]{6}); \}", css))
    assert sorted(fills) == ["amber", "green", "red"]
    assert all(_contrast("#ffffff", colour) >= 4.5 for colour in fills.values()), fills  # the cells' white bold words


def test_both_pages_write_counts_as_a_reader_reads_them(base: dict[str, Any]) -> None:
    """10,000 clinics are "10,000 clinics" everywhere a page counts them (title, summary, cost, notes), never "10000"."""
    large = scaled(base, 10_000)
    large["cost"] = {"total": 1_234_567, "clinics_with_budget": 9_876, "clinics": 10_000}
    for page in (review_html(large, TEMPLATES, generated_on="2026-12-06"),
                 review_panel_html(large, TEMPLATES, generated_on="2026-12-06")):
        assert "10,000 clinics</title>" in page and "<strong>10,000</strong> clinics" in page
        assert "9,876 of 10,000 clinics" in page and "£1,234,567" in page
        assert "10000" not in page and "9876" not in page


def test_rows_file_holds_every_clinic_in_rank_order(base: dict[str, Any]) -> None:
    review = scaled(base, 1_000)
    review["clinics"][3]["name"] = "</script><b>x</b>"
    text = review_rows_js(review)
    prefix = "window.READINESS_REVIEW_ROWS = "
    assert text.startswith(prefix) and text.endswith(";\n") and "<" not in text
    data = json.loads(text[len(prefix):-2])
    assert [r[0] for r in data["rows"]] == list(range(1, 1_001))
    assert data["rows"][3][1] == "</script><b>x</b>"
    assert [d["id"] for d in data["domains"]] == [d["id"] for d in review["domains"]]
    for row, c in zip(data["rows"], review["clinics"]):
        assert row[6:8] == [c["overall"]["score"], c["overall"]["rating"]]
        assert row[9] == [g["id"] for g in c["must_haves"]]
        assert row[12] == [[c["domains"][d["id"]]["score"], c["domains"][d["id"]]["rating"]] for d in review["domains"]]
    assert all(g in data["gaps"] for r in data["rows"] for g in r[9])


def test_panel_report_is_bounded_and_says_where_the_rest_is(base: dict[str, Any]) -> None:
    large = scaled(base, 5_000)
    page = review_panel_html(large, TEMPLATES, generated_on="2026-12-06")
    appendix = page.split('id="appendix"', 1)[1]
    assert appendix.count("<tr>") == PDF_APPENDIX_ROWS + 1  # the heading row and the capped rows
    assert f"The first {PDF_APPENDIX_ROWS} of 5,000 clinics by rank" in appendix and "review.csv" in appendix
    attention = page.split('id="attention"', 1)[1].split("</table>", 1)[0]
    assert attention.count("<tr>") == render.PDF_ATTENTION + 1
    gaps = [int(n) for n in re.findall(r'<td class="num">(\d+)</td><td>[^<]*</td></tr>', attention)]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] == max(len(c["must_haves"]) for c in large["clinics"])
    small = review_panel_html(scaled(base, 50), TEMPLATES, generated_on="2026-12-06")
    assert "All 50 clinics" in small and small.split('id="appendix"', 1)[1].count("<tr>") == 51


def _pages(pdf: bytes, tmp: Path) -> tuple[int, str]:
    path = tmp / "r.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), text  # type: ignore[union-attr]


@pytest.mark.slow
def test_pdf_has_as_many_pages_for_400_clinics_as_for_4000(base: dict[str, Any], tmp_path: Path) -> None:
    n1, _ = _pages(review_pdf(scaled(base, 400), TEMPLATES, "2026-12-06"), tmp_path)
    n2, text = _pages(review_pdf(scaled(base, 4_000), TEMPLATES, "2026-12-06"), tmp_path)
    assert n1 == n2 <= 14, (n1, n2)  # 150 appendix rows are about four of them
    assert "Clinics needing attention first" in text and "Ratings by domain" in text
    assert f"The first {PDF_APPENDIX_ROWS} of 4,000 clinics" in text


@pytest.mark.browser
def test_the_page_pages_sorts_and_filters_every_clinic(browser, base: dict[str, Any], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    review = scaled(base, 250)
    for i, c in enumerate(review["clinics"]):  # the page is under test, not the engine: clinics of every rating to filter
        c["overall"] = {**c["overall"], "rating": ("red", "amber", "green")[i % 3]}
    review_outputs(review, TEMPLATES, tmp_path, pdf=False)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((tmp_path / "review.html").as_uri())
    status = page.locator("[data-rt-status]")
    assert status.inner_text() == "Showing 1–100 of 250 clinics."
    rows = page.locator("#ranking-table tbody tr")
    assert rows.count() == 100
    page.locator("[data-rt-next]").click()
    assert status.inner_text() == "Showing 101–200 of 250 clinics."
    assert rows.first.locator("td").first.inner_text() == "101"

    # Filter by a rating some clinics have and others lack; the rows left all show it.
    counts = {r: sum(1 for c in review["clinics"] if c["overall"]["rating"] == r) for r in ("red", "amber", "green")}
    pick = next((r for r in ("red", "amber", "green") if 0 < counts[r] < 250), "green")
    page.select_option("[data-rt-rating]", pick)
    assert status.inner_text().endswith(f"of {plural(counts[pick], 'clinic')} (filtered from 250).")
    assert {t.strip().split()[-1] for t in rows.locator("td.cell:nth-of-type(5)").all_inner_texts()} <= {pick.capitalize(), pick.capitalize() + "!"}
    page.select_option("[data-rt-rating]", "")

    page.locator("thead button.sort", has_text="Overall").click()  # highest score first
    scores = [int(t.split()[0]) for t in rows.locator("td.cell:nth-of-type(5)").all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and scores[0] == max(c["overall"]["score"] for c in review["clinics"])
    assert page.locator("thead th[aria-sort=descending]").inner_text() == "Overall"

    gapped = [c for c in review["clinics"] if c["must_haves"] and c["overall"]["rating"] != "green"]
    assert gapped, "the synthetic clinics include a must-have gap"
    page.fill("[data-rt-text]", gapped[0]["name"])
    mark = rows.first.locator("button.gap-mark")
    mark.focus()
    assert mark.get_attribute("aria-label").startswith("Capped by ")  # type: ignore[union-attr]
    assert gapped[0]["must_haves"][0]["title"] in mark.get_attribute("aria-label")  # type: ignore[operator]
    violations = run_axe(page)
    assert not violations, violations
    page.close()


@pytest.mark.browser
def test_area_roll_up_filters_and_a_phone_shows_cards(browser, base: dict[str, Any], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    review_outputs(base, TEMPLATES, tmp_path, pdf=False)
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto((tmp_path / "review.html").as_uri())
    areas = page.locator("#areas + .wide tbody tr")
    assert areas.count() == len({c["area"] for c in base["clinics"]})
    area = areas.first.locator("th").inner_text().split(" show")[0].strip()
    areas.first.locator("button[data-rt-pick-area]").click()
    assert page.locator("[data-rt-area]").input_value() == area
    n = sum(1 for c in base["clinics"] if c["area"] == area)
    assert page.locator("[data-rt-status]").inner_text().endswith(f"of {plural(n, 'clinic')} (filtered from {len(base['clinics'])}).")
    cell = page.locator("#ranking-table tbody tr").first.locator("td[data-label=Area]")
    assert cell.inner_text() == area
    # On a phone each row is a card: its cells stack, each with its heading beside it, and the table fits the screen.
    row = page.locator("#ranking-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    assert cell.evaluate("c => getComputedStyle(c, '::before').content") == '"Area"'
    assert page.locator("#ranking-table").evaluate("t => t.scrollWidth <= t.clientWidth + 1")
    # ...and within each card no cell runs over: a long heading ("Information access and note-taking") wraps beside
    # its score and rating rather than running under them.
    crowded = page.locator("#ranking-table").evaluate(
        "t => [...t.querySelectorAll('tbody td')].filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.dataset.label)")
    assert crowded == [], crowded
    page.close()


def test_the_csvs_stream_in_chunks_that_join_to_the_same_bytes(base: dict[str, Any]) -> None:
    """review.csv and review-disagreements.csv are written a thousand rows at a time (the main process never holds a
    large review's CSV whole); the pieces join to exactly the file made in one go, byte-order mark first."""
    rows = [[i, f"=clinic {i}", "Straße; ok"] for i in range(7)]
    pieces = list(render._csv_chunks(rows, per_chunk=3))
    assert len(pieces) == 3 and pieces[0].startswith("\ufeff".encode()) and not pieces[1].startswith("\ufeff".encode())
    assert b"".join(pieces) == render._csv(rows) and b"".join(pieces).count(b"\r\n") == 7 and b'"\'=clinic 0"' in pieces[0]
    assert b"".join(render.review_csv_chunks(base)) == render.review_csv(base)
    assert b"".join(render.disagreements_csv_chunks(base)) == render.disagreements_csv(base)
    assert render.review_csv(base).count(b"\r\n") == len(base["clinics"]) + 1
