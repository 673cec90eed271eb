"""The shape of review.json, declared once as typed models: the published JSON Schema (schemas/review.schema.json) is
generated from them, and the tests hold reviews (one rater and several, one round and two) to it, so a key the review
adds or drops without saying so here fails.

builder/core/review.py builds the review as plain dicts; these models describe it for other tools and are never in its
path. Ids of domains, questions, actions and templates come from the questionnaire, so they are strings here.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from builder.core.answer_schema import DIALECT
from builder.core.schema import Rating

REVIEW_SCHEMA = "review.schema.json"
"""The file name it is published under (schemas/, the wheel, the site's assets/schemas/)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Score(_Strict):
    score: int = Field(ge=0, le=100)
    rating: Rating


class Gap(_Strict):
    id: str
    title: str
    domain: str = Field(description="The domain id, or empty for an overall gate.")


class RaterScores(_Strict):
    respondent: str = Field(description="How the review names the rater (their name, role or file).")
    name: str | None
    role: str | None
    file: str
    overall: Score
    domains: dict[str, Score]


class RaterAnswer(_Strict):
    respondent: str
    role: str | None
    answer: str = Field(description="The rater's answer, as option labels.")


class Disagreement(_Strict):
    question: str
    title: str
    domain: str
    combined: str = Field(description="The combined answer (the least ready one), as option labels.")
    answers: list[RaterAnswer]


class Change(_Strict):
    before: int
    after: int
    change: int
    rating_before: Rating
    rating_after: Rating


class DomainChange(Change):
    domain: str
    title: str


class TitledId(_Strict):
    id: str
    title: str


class Comparison(_Strict):
    overall: Change
    domains: list[DomainChange]
    must_haves_met: list[Gap]
    new_gaps: list[Gap]
    actions_done: list[TitledId]
    new_actions: list[TitledId]


class Earlier(_Strict):
    assessed_on: str | None
    files: list[str]
    comparison: Comparison


class ClinicEntry(_Strict):
    key: str = Field(description="What files of one clinic share: its id (and organisation), or its name and organisation.")
    rank: int = Field(ge=1)
    name: str
    organisation: str | None
    clinic_id: str | None
    area: str | None
    assessed_on: str | None
    files: list[str] = Field(description="The files of the latest round.")
    raters: list[RaterScores]
    overall: Score
    domains: dict[str, Score]
    route: str
    roles: list[str]
    actions: list[str]
    templates: list[str]
    must_haves: list[Gap]
    budget: int | float | None = Field(description="The estimated year-one cost in whole pounds, or null.")
    partnered: bool
    no_partner: bool
    partner: str | None
    hub_candidate: bool
    disagreements: list[Disagreement]
    agreement: dict[str, float | None] | None = Field(description="r_wg(J) per domain, for a round with several raters; else null.")
    earlier: Earlier | None = Field(description="The round before the latest and how the clinic changed since, or null.")


class DomainRef(_Strict):
    id: str
    title: str


class Files(_Strict):
    read: int
    included: int
    excluded: int


class Ratings(_Strict):
    green: int
    amber: int
    red: int


class RedDomain(_Strict):
    domain: str
    title: str
    red: int = Field(description="How many clinics are red in this domain.")


class GapCount(Gap):
    clinics: list[str]
    count: int


class TemplateNeed(_Strict):
    template: str
    title: str
    clinics: int


class WithPartner(_Strict):
    clinic: str
    partner: str | None


class Opportunity(_Strict):
    area: str
    clinics: int
    with_partner: list[WithPartner]
    without_partner: list[str]
    hub_and_spoke: list[str]


class Agreement(_Strict):
    threshold: float
    min_clinics: int
    clinics_with_several_raters: int
    clinics_below_threshold: int
    icc1: dict[str, float | None] = Field(description="ICC(1) overall and per domain, or null with too few clinics.")


class Cost(_Strict):
    total: int | float
    clinics_with_budget: int
    clinics: int


class NotIncluded(_Strict):
    file: str
    line: int | None
    reason: str


class NamedClinic(_Strict):
    rank: int
    name: str
    organisation: str | None


class IdentityConflict(_Strict):
    clinic_id: str
    clinics: list[NamedClinic]


class Lookalike(_Strict):
    clinics: list[NamedClinic]


class ReviewDoc(_Strict):
    """A commissioners' review of many clinics' answer files, as `readiness review` writes review.json."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Peer support readiness review")

    review_version: int
    questionnaire: dict[str, str] = Field(description="The questionnaire's title and version.")
    rule: str = Field(description="How several raters of one clinic are combined, in words.")
    domains: list[DomainRef]
    files: Files
    clinics: list[ClinicEntry] = Field(description="Ranked: least ready first.")
    ratings: Ratings
    red_domains: list[RedDomain]
    must_have_gaps: list[GapCount]
    templates: list[TemplateNeed]
    opportunities: list[Opportunity]
    agreement: Agreement
    cost: Cost | None
    not_included: list[NotIncluded]
    identity_conflicts: list[IdentityConflict]
    lookalike_names: list[Lookalike]


def review_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of review.json."""
    return {"$schema": DIALECT, **TypeAdapter(ReviewDoc).json_schema(mode="serialization")}


def review_schema_json() -> str:
    """review_schema(), as published: sorted keys, a final newline (byte-identical on every run)."""
    return json.dumps(review_schema(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


__all__ = ["REVIEW_SCHEMA", "ReviewDoc", "review_schema", "review_schema_json"]
