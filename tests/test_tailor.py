"""builder/render/tailor.py: the mechanical rewrites that let nunjucks read the policy templates' Jinja2 as Jinja2 does.
(The browser's output is compared byte for byte with the CLI's in tests/test_wizard_ui.py.)"""

from __future__ import annotations

import pytest

from builder.load.project import ROOT
from builder.render.tailor import _expression, for_nunjucks, templates_script


@pytest.mark.parametrize("jinja, nunjucks", [
    ('m.form_table(["a", ("b", "", "tall"), "c"])', 'm.form_table(["a", ["b", "", "tall"], "c"])'),
    ('x in ("limited", "full_notes")', 'x in ["limited", "full_notes"]'),
    ('not ("a", "b")', 'not ["a", "b"]'),
    ('f(a, b)', 'f(a, b)'),
    ('(a or b)', '(a or b)'),
    ('m.fill(x, "Name (and role)")', 'm.fill(x, "Name (and role)")'),
    ('answers.get("aims") or []', 'answers|jget("aims") or none'),
    ('{"a": 1}.get(aim, aim)', '{"a": 1}|jget(aim, aim)'),
    ('("Label", m.choices(["Yes", "No"]) ~ " Date: ")', '["Label", m.choices(["Yes", "No"])|jcat(" Date: ")]'),
    ('"For " ~ (name if name else "the clinic")', '"For " ~ (name if name else "the clinic")'),
    ('"say (a, b).get(x)"', '"say (a, b).get(x)"'),
])
def test_expression_rewrites(jinja: str, nunjucks: str) -> None:
    assert _expression(jinja) == nunjucks


def test_text_between_tags_is_untouched() -> None:
    source = '<p>Call (ext. 1234, or 5678) and ask .get(it) ~ "now".</p>{{ ("a", "b")[0] }}'
    assert for_nunjucks(source) == '<p>Call (ext. 1234, or 5678) and ask .get(it) ~ "now".</p>{{ ["a", "b"][0] }}'


def test_bundle_is_deterministic_and_carries_every_template() -> None:
    ids = [p.name.removesuffix(".html.j2") for p in sorted((ROOT / "templates" / "policies").glob("*.html.j2"))]
    one = templates_script(ROOT / "templates", ids)
    assert one == templates_script(ROOT / "templates", ids)
    assert all(f'"policies/{i}.html.j2"' in one for i in ids) and '"base.html.j2"' in one
