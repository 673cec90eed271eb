"""The guidance site: builds strictly, loads nothing from other hosts, passes axe, and shows the real tree."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from builder.core.schema import Questionnaire

from .conftest import StaticServer, describe_violations, run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pages(site: Path) -> list[str]:
    """Every HTML page of the built site, relative to its root (404 page included)."""
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def test_site_has_every_page(built_site: Path) -> None:
    names = pages(built_site)
    for expected in ("index.html", "wizard.html", "templates.html", "logic-map.html", "references.html",
                     "domains/resource.html", "domains/supervision.html", "partnership.html", "commissioners.html"):
        assert expected in names
    assert not (Path(__file__).parent.parent / "guidance" / "templates.md").exists(), "generated pages are not written into guidance/"


def test_generated_downloads_exist(built_site: Path, q: Questionnaire) -> None:
    html = (built_site / "templates.html").read_text()
    for t in q.templates:
        for ext in ("pdf", "docx"):
            rel = f"downloads/blank/{t.id}.{ext}"
            assert (built_site / rel).stat().st_size > 5000, rel
            assert f'href="{rel}"' in html, rel
    assert (built_site / "downloads/example/riverside-plan.pdf").read_bytes().startswith(b"%PDF")
    assert (built_site / "downloads/blank/questionnaire.pdf").read_bytes().startswith(b"%PDF")
    assert 'href="downloads/blank/questionnaire.pdf"' in html
    assert (built_site / "assets/questionnaire.json").is_file() and (built_site / "assets/questionnaire.js").is_file()


def test_logic_map_shows_the_real_tree(built_site: Path, q: Questionnaire) -> None:
    html = (built_site / "logic-map.html").read_text()
    for qu in q.questions:
        assert f"<code>{qu.id}</code>" in html, qu.id
        for o in qu.options:
            assert f"<code>{o.id}</code>" in html, (qu.id, o.id)
    svg = (built_site / "assets/logic-map.svg").read_text()
    for qu in q.questions:
        assert f"<title>{qu.id}</title>" in svg, qu.id
    assert "Asked: Room is not “No space at the moment”" in html.replace("&ldquo;", "“").replace("&rdquo;", "”")


def test_standards_crosswalk_page_shows_coverage_per_standard(built_site: Path, q: Questionnaire) -> None:
    import html as htmllib

    page = htmllib.unescape((built_site / "standards.html").read_text())
    for std in q.meta.standards.values():
        assert std.title in page, std.title
    for d in q.domains:
        for a in d.actions:
            if a.standards:
                assert a.title in page, a.id


def test_every_help_link_lands_on_its_section(built_site: Path, q: Questionnaire) -> None:
    for qu in q.questions:
        page, _, anchor = qu.guidance.partition("#")
        html = (built_site / page.replace(".md", ".html")).read_text()
        assert f'id="{anchor}"' in html, qu.guidance


def test_no_resource_from_another_host_in_the_html(built_site: Path) -> None:
    """Static check: no script, stylesheet, image, font or frame points off-site."""
    pattern = re.compile(r"""<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)=["'](https?:)?//""", re.I)
    for name in pages(built_site):
        text = (built_site / name).read_text()
        hits = [m.group(0) for m in pattern.finditer(text) if "rel=\"canonical\"" not in m.group(0)]
        assert not hits, (name, hits[:3])
    for css in built_site.rglob("*.css"):
        assert not re.search(r"url\((['\"]?)https?://", css.read_text()), css
        assert "@import" not in css.read_text() or "fonts.googleapis" not in css.read_text(), css


def _requests_off_site(page, url: str, allowed: tuple[str, ...]) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    page.on("request", lambda req: seen.append(req.url))
    page.goto(url, wait_until="networkidle")
    return [u for u in seen if not u.startswith(allowed)]


def test_every_page_requests_nothing_from_other_hosts(browser, site_server: StaticServer, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    try:
        for name in pages(built_site):
            page = context.new_page()
            off = _requests_off_site(page, site_server.url + name, (site_server.url, "data:", "blob:"))
            assert off == [], (name, off)
            page.close()
    finally:
        context.close()


def test_site_works_from_disk(browser, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    """Opened as files (from a USB stick, say): pages load, assets resolve, nothing leaves the machine."""
    context = browser.new_context()
    try:
        for name in ("index.html", "domains/space.html", "templates.html", "logic-map.html"):
            page = context.new_page()
            failed: list[str] = []
            page.on("requestfailed", lambda req, failed=failed: failed.append(req.url))
            off = _requests_off_site(page, (built_site / name).as_uri(), ("file://", "data:", "blob:"))
            assert off == [] and failed == [], (name, off, failed)
            assert page.locator("h1").first.is_visible()
            page.close()
    finally:
        context.close()


def test_every_page_passes_axe(browser, site_server: StaticServer, built_site: Path) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    problems = {}
    try:
        for name in pages(built_site):
            if name == "wizard.html":
                continue  # the wizard's states are checked one by one in test_wizard_ui.py
            page = context.new_page()
            page.goto(site_server.url + name)
            violations = run_axe(page)
            if violations:
                problems[name] = describe_violations(violations)
            page.close()
    finally:
        context.close()
    assert not problems, "\n".join(f"{k}:\n{v}" for k, v in problems.items())


def test_keyboard_reaches_content_and_navigation(browser, site_server: StaticServer) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(site_server.url + "index.html")
    page.keyboard.press("Tab")
    first = page.evaluate("document.activeElement.textContent.trim()")
    assert "Skip to content" in first
    page.keyboard.press("Enter")
    # The link's jump lands a moment after the key (CI once read the address before it had): wait for it, a while.
    page.wait_for_function("location.hash !== ''", timeout=5000)
    assert urlparse(page.url).fragment, "the skip link moves to the content"
    # Tabbing on reaches the navigation links, each with a visible focus outline.
    reached = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.getAttribute('href') || ''"))
        focus = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {tag: e.tagName, cls: e.className, outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }""")
        if focus["tag"] != "BODY":
            assert focus["outline"] != "none" or focus["shadow"] != "none", f"focus is visible: {focus}"
    assert any(h.endswith("wizard.html") for h in reached)
    page.close()
