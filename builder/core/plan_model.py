"""The shape of plan.json, declared once as typed models: the published JSON Schema (schemas/plan.schema.json) is generated
from them, and the tests hold every example's plan to it, so a key the engine adds or drops without saying so here fails.

The engine builds the plan as plain dicts (fast, and what the browser's mirror builds too); these models describe it
for other tools and editors, and are never in the engine's path. Ids of questions, domains, phases, templates and
roles come from the questionnaire, so they are strings here; what the engine itself fixes (ratings, go-live status)
is an enum.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from builder.core.answer_schema import DIALECT
from builder.core.schema import Rating

PLAN_SCHEMA = "plan.schema.json"
"""The file name it is published under (schemas/, the wheel, the site's assets/schemas/)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireRef(_Strict):
    title: str
    version: str = Field(description="The questionnaire version the plan was made with.")


class Clinic(_Strict):
    name: str
    organisation: str | None = Field(description="The organisation (such as the NHS Trust), or null when the answer file names none.")


class Assessment(_Strict):
    assessed_on: str | None = Field(description="The date of the assessment (YYYY-MM-DD), or null.")
    respondent_role: str | None
    answered_against: str | None = Field(description="The questionnaire version the answers were given against, or null.")


class GoLiveItem(_Strict):
    id: str
    title: str
    status: Literal["met", "not_met", "planned", "unknown"] = Field(description="Planned and unknown are not ready.")
    hazard: str = Field(description="The id of the hazard in the hazard log this condition controls.")
    action: str = Field(description="The id of the action that meets it.")


class Overall(_Strict):
    rating: Rating
    label: str
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(description="Why this rating, in the order the rules applied.")
    sentence: str = Field(description="The rating in one plain sentence that points at its reason (messages.rating_sentence).")


class Domain(_Strict):
    title: str
    rating: Rating
    label: str
    meaning: str
    score: int = Field(ge=0, le=100)
    reasons: list[str]
    findings: list[str]
    unknown: list[str] = Field(description="Ids of this domain's questions answered 'Don't know' or not answered.")


class Readiness(_Strict):
    overall: Overall
    domains: dict[str, Domain] = Field(description="By domain id, in the questionnaire's order.")


class FitReason(_Strict):
    text: str
    points: int


class RoleFit(_Strict):
    role: str
    title: str
    points: int
    recommended: bool
    reasons: list[FitReason]


class Action(_Strict):
    id: str
    domain: str
    phase: str
    owner: str
    title: str
    detail: str
    guidance: str = Field(description="The guidance page (and anchor) to read, relative to the site.")
    source: str
    must: bool = Field(description="A must-have: before the first patient.")
    after: list[str] = Field(description="Ids of the actions this one waits for.")
    start_week: int = Field(ge=0)
    weeks: int = Field(ge=0)
    due_week: int = Field(ge=0)
    due: str | None = Field(description="The due date (YYYY-MM-DD), or null when the answer file gives no assessed_on to count from.")


class StandardCoverage(_Strict):
    id: str
    title: str
    actions: list[str]
    templates: list[str]


class Answer(_Strict):
    question: str
    title: str
    domain: str
    answer: str | list[str] | None = Field(description="An option id, a list of option ids, free text, or null when not answered.")
    labels: list[str] = Field(description="The chosen options' labels as the questionnaire words them.")
    note: str | None


class Assumption(_Strict):
    id: str
    label: str
    value: str
    shown: str
    source: str
    date: str | None = Field(description="The date the figure took effect (YYYY-MM-DD), or null when it is not confirmed or overridden.")
    undated: str | None = Field(description="What the plan shows beside a figure whose date of taking effect is not confirmed; null otherwise.")
    checked: str | None
    verified: bool
    overridden: bool = Field(description="The answer file gave its own value.")
    note: str | None


class BudgetLine(_Strict):
    id: str
    label: str
    basis: str
    source: str
    year1: int
    later_year: int


class StatedFigure(_Strict):
    shown: str = Field(description="The figure as the budget shows it ('£24,937', '37.5').")
    year: str | None = Field(description="The pay year it belongs to, for pay.")
    date: str | None = Field(description="The date it took effect; None while that date is not confirmed.")
    undated: str | None = Field(description="What to say while the date it took effect is not confirmed.")
    verified: bool


class Stated(_Strict):
    nation_name: str
    pay: StatedFigure | None = Field(description="A paid peer's pay figure; None when the clinic gave its own.")
    check_fee: StatedFigure | None = Field(description="The criminal record check fee; None when the clinic gave its own.")
    weekly_hours: StatedFigure


class Budget(_Strict):
    stated: Stated | None = Field(description="What the templates state from the budget; None while the nation is not known.")
    currency: str
    employment: str
    nation: str
    nation_name: str
    nation_assumed: bool = Field(description="No nation was answered: the costs assume one, and say so.")
    pay_year: str
    assumptions: list[Assumption]
    lines: list[BudgetLine]
    notes: list[str]
    total_year1: int
    total_3_years: int


class Risk(_Strict):
    id: str
    title: str
    owner: str
    source: str
    reason: str | None
    mitigation: str
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    score: int = Field(ge=1, le=25)
    level: str
    residual_likelihood: int = Field(ge=1, le=5)
    residual_impact: int = Field(ge=1, le=5)
    residual_score: int = Field(ge=1, le=25)
    residual_level: str


class Indicator(_Strict):
    id: str
    name: str
    definition: str
    basis: str
    target: str
    frequency: str
    owner: str
    source: str


class LocalShown(_Strict):
    id: str
    label: str
    text: str


class LocalPending(_Strict):
    question: str
    title: str
    terms: list[str]
    actions: list[str]


class Local(_Strict):
    terms: dict[str, str] = Field(description="Each local term (scheme, contact, regulator…) as the plan words it.")
    shown: list[LocalShown]
    pending: list[LocalPending] = Field(description="Unanswered questions (nation, service kind, under-18s) that wording depends on.")


class Plan(_Strict):
    """A clinic's tailored setup plan, as `readiness plan --format json` writes it. The same answers give byte-identical JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Peer support readiness plan")

    plan_version: int = Field(description="Changes when the plan's shape changes.")
    questionnaire: QuestionnaireRef
    clinic: Clinic
    assessment: Assessment
    go_live: list[GoLiveItem]
    readiness: Readiness
    start_with: list[str] = Field(description="Ids of the domains to start with, weakest first.")
    first_steps: list[str]
    first_steps_blocking: list[str] = Field(default_factory=list, description="The first steps that must be done before the first patient (schedule.yaml's first_steps rule); absent without planning data.")
    route: str = Field(description="The id of the recommended route (in house, in partnership, hub and spoke).")
    route_reasons: list[str]
    roles: list[str]
    role_note: str | None
    role_fit: list[RoleFit]
    actions: list[Action]
    templates: list[str] = Field(description="Ids of the templates the plan lists.")
    template_reasons: dict[str, list[str]]
    standards: list[StandardCoverage]
    answers: list[Answer]
    answers_by_id: dict[str, str | list[str]]
    unknown: list[str]
    ignored: list[str] = Field(description="Ids of answered questions the routing skipped.")
    budget: Budget
    risks: list[Risk]
    indicators: list[Indicator]
    first_patient_week: int
    first_patient_date: str | None = Field(description="YYYY-MM-DD, or null without an assessed_on date.")
    review_date: str | None = Field(description="YYYY-MM-DD, or null without an assessed_on date.")
    local: Local


def plan_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of plan.json."""
    schema = TypeAdapter(Plan).json_schema(mode="serialization")
    return {"$schema": DIALECT, **schema}


def plan_schema_json() -> str:
    """plan_schema(), as published: sorted keys, a final newline (byte-identical on every run)."""
    return json.dumps(plan_schema(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["PLAN_SCHEMA", "Plan", "plan_schema", "plan_schema_json"]
