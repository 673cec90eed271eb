"""One vocabulary (questionnaire/glossary.yaml): no page, template, question or wizard text uses a word it retires."""

from __future__ import annotations

import json
import re

import pytest

from builder.core.schema import Questionnaire
from builder.load.project import ROOT
from builder.output.export import questionnaire_data
from builder.render.glossary import glossary_markdown


def retired(q: Questionnaire) -> dict[str, str]:
    """Each retired word -> what to write instead."""
    assert q.glossary is not None, "questionnaire/glossary.yaml is missing"
    out = {w: t.term for t in q.glossary.terms for w in t.retired}
    out.update({w: s.use for s in q.glossary.style for w in s.words})
    return out


def finder(words: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?![\w-])", re.I)


def prose_of_markdown(text: str) -> str:
    """What a reader sees of a page: no code, no link targets, no HTML attributes."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"<[^>]+>", " ", text)


def prose_of_template(text: str) -> str:
    """A Jinja2 template's literal text: no tags, expressions, comments or code."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<code>.*?</code>|<style.*?</style>", " ", text, flags=re.S)
    return re.sub(r"<[^>]+>", " ", text)


def prose_of_script(text: str) -> str:
    """A script's strings, not its names or comments."""
    text = re.sub(r"/\*.*?\*/|(?<![:\"'`\\])//[^\n]*", " ", text, flags=re.S)
    return " ".join(m.group(0) for m in re.finditer(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`", text))


def strings(value: object) -> list[str]:
    """Every text in the exported questionnaire a person reads: strings with a space in them (ids have none)."""
    if isinstance(value, str):
        return [value] if " " in value else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def sources() -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "guidance").rglob("*.md")):
        out.append((str(path.relative_to(ROOT)), prose_of_markdown(path.read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "templates").rglob("*.j2")):
        out.append((str(path.relative_to(ROOT)), prose_of_template(path.read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "builder" / "wizard").glob("*.js")):
        out.append((str(path.relative_to(ROOT)), prose_of_script(path.read_text(encoding="utf-8"))))
    for path in sorted((ROOT / "builder" / "wizard").glob("*.html")):
        out.append((str(path.relative_to(ROOT)), prose_of_template(path.read_text(encoding="utf-8"))))
    return out


def test_no_page_template_or_wizard_text_uses_a_retired_word(q: Questionnaire) -> None:
    words = retired(q)
    find = finder(words)
    found = []
    for name, text in sources():
        for m in find.finditer(text):
            found.append(f"{name}: '{m.group(0)}': write {words[m.group(0).lower()]}")
    data = questionnaire_data(q)
    data.pop("glossary", None)  # the glossary names the words it retires
    for text in strings(data):
        for m in find.finditer(text):
            found.append(f"questionnaire: '{m.group(0)}' in {json.dumps(text)[:80]}: write {words[m.group(0).lower()]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(("text", "hit"), [
    ("one coordinator a week", "coordinator"), ("the co-ordinator books", None), ("recruit_coordinator", None),
    ("areas: eleven of them", "eleven"), ("after twelve months", None), ("Red (Not ready yet)", "Not ready yet"), ("not ready yet-ish", None),
])
def test_the_check_finds_retired_words_and_only_them(q: Questionnaire, text: str, hit: str | None) -> None:
    m = finder(retired(q)).search(text)
    assert (m.group(0) if m else None) == hit


def test_the_glossary_page_lists_every_term_in_order(q: Questionnaire) -> None:
    assert q.glossary is not None
    terms = [t.term for t in q.glossary.terms]
    assert terms == sorted(terms, key=str.casefold), "terms in alphabetical order"
    page = glossary_markdown(q.glossary)
    for t in q.glossary.terms:
        assert f"\n{t.term}\n:   {t.definition}" in page
        assert all(w in page for w in t.retired)
    assert len(set(retired(q))) == len(retired(q)), "a word is retired once"
    assert not set(retired(q)) & {t.term.lower() for t in q.glossary.terms}, "no term retires another"


def test_the_site_has_the_glossary_page() -> None:
    assert "glossary.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not (ROOT / "guidance" / "glossary.md").exists(), "generated from the data, not written by hand"


