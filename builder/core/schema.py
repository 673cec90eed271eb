"""The one declaration of the questionnaire's shape: typed models, one docstring per field."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StrictBool, StrictFloat, StrictInt, StrictStr, Tag

from builder.core.bindings import Bindings

Id = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_]*$")]
"""Ids are lower_snake_case: they are a public interface of answer files."""

Rating = Literal["red", "amber", "green"]
Cap = Literal["red", "amber"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------- conditions
# Conditions are data, never code: a mapping with exactly one operator key.


class All(Model):
    all: list[Condition]
    """True when every condition holds."""


class AnyOf(Model):
    any_: list[Condition] = Field(alias="any")
    """True when at least one condition holds."""


class Not(Model):
    not_: Condition = Field(alias="not")
    """True when the condition does not hold (unknown stays unknown)."""


class Equals(Model):
    equals: tuple[Id, Id]
    """[question, option]: a single-choice question's answer is this option."""


class In(Model):
    in_: tuple[Id, list[Id]] = Field(alias="in")
    """[question, [options]]: a single-choice question's answer is one of these options."""


class Includes(Model):
    includes: tuple[Id, Id]
    """[question, option]: a multiple-choice answer includes this option."""


class IncludesAny(Model):
    includes_any: tuple[Id, list[Id]]
    """[question, [options]]: a multiple-choice answer includes at least one of these options."""


class RouteIs(Model):
    route: Id
    """The plan's route is this one (actions and template rules only)."""


class HasRole(Model):
    role: Id
    """This peer role is among the plan's recommended roles (actions and template rules only)."""


OPERATORS = ("all", "any", "not", "equals", "in", "includes", "includes_any", "route", "role")
UNSURE_OPTION = "unsure"
"""The option id a question uses for its own "not sure" answer; such a question needs no separate "I don't know yet"."""


def _operator(value: Any) -> str | None:
    if isinstance(value, dict):
        return next(iter(value)) if len(value) == 1 and next(iter(value)) in OPERATORS else None
    for op, cls in _OP_CLASSES.items():
        if isinstance(value, cls):
            return op
    return None


Condition = Annotated[
    Annotated[All, Tag("all")] | Annotated[AnyOf, Tag("any")] | Annotated[Not, Tag("not")] | Annotated[Equals, Tag("equals")] | Annotated[In, Tag("in")] | Annotated[Includes, Tag("includes")] | Annotated[IncludesAny, Tag("includes_any")] | Annotated[RouteIs, Tag("route")] | Annotated[HasRole, Tag("role")],
    Discriminator(
        _operator,
        custom_error_type="condition",
        custom_error_message="a condition is a mapping with exactly one operator: " + ", ".join(OPERATORS),
    ),
]
_OP_CLASSES: dict[str, type[Model]] = {
    "all": All, "any": AnyOf, "not": Not, "equals": Equals, "in": In,
    "includes": Includes, "includes_any": IncludesAny, "route": RouteIs, "role": HasRole,
}
for _cls in (All, AnyOf, Not):
    _cls.model_rebuild()


# ---------------------------------------------------------------- questions


class Option(Model):
    id: Id
    """Public id written in answer files; never change its meaning."""
    label: StrictStr
    """What the respondent sees."""
    points: StrictInt | None = Field(default=None, ge=0)
    """Points towards the domain score (scored questions only)."""
    exclusive: StrictBool = False
    """Multiple choice only: this option cannot be combined with others (e.g. 'none')."""


class Question(Model):
    id: Id
    """Public id written in answer files; never change its meaning."""
    type: Literal["single", "multi", "text"]
    """single: one option; multi: a list of options; text: free text."""
    title: StrictStr
    """A short name used in the plan's reasons."""
    text: StrictStr
    """The question as asked."""
    help: StrictStr
    """One or two sentences of help shown with the question."""
    guidance: StrictStr
    """Guidance page and section, relative to guidance/, e.g. 'domains/space.md#space'."""
    ask_if: Condition | None = None
    """Asked only when this holds; otherwise skipped. May refer only to earlier questions."""
    options: list[Option] = []
    """Choices for single and multi questions."""
    max_points: StrictInt | None = Field(default=None, gt=0)
    """Multiple choice: the points at which the question counts as fully met."""
    optional: StrictBool = False
    """No answer needed: an empty answer is not 'unknown' and adds no action."""
    points_when_skipped: StrictInt | None = Field(default=None, ge=0)
    """A scored follow-up: the points it earns when routing skips it (0 when the parent's answer
    already scored nothing, its maximum when the parent's answer made it unnecessary). Its maximum
    always counts, so whether it is asked never changes the domain's scale."""
    scored_if: Condition | None = None
    """The question counts towards the score only while this holds; when it does not, it is left out
    of both the points earned and the points available (unknown still counts, as 0)."""
    not_scored_reason: StrictStr | None = None
    """Why the question does not count when scored_if does not hold (shown in the plan's reasons)."""

    # Cached (the model is frozen): a review reads these for every scored question of every file.
    @cached_property
    def scored(self) -> bool:
        return any(o.points is not None for o in self.options)

    @cached_property
    def points_by_option(self) -> dict[str, int]:
        """Each option's points (0 when it has none)."""
        return {o.id: o.points or 0 for o in self.options}

    @cached_property
    def max(self) -> int:
        if self.type == "multi":
            return self.max_points or sum(o.points or 0 for o in self.options)
        return max((o.points or 0) for o in self.options) if self.options else 0

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @cached_property
    def offers_dont_know(self) -> bool:
        """Whether the wizard and the paper questionnaire offer "I don't know yet" (scored as unknown): every
        required choice, unless one of its own options already says so (UNSURE_OPTION)."""
        return self.type != "text" and not self.optional and self.option(UNSURE_OPTION) is None


class Source(Model):
    doc: Id
    """A source id from questionnaire.yaml 'sources'."""
    section: StrictStr
    """The section of that document the fact comes from."""


class Gate(Model):
    id: Id
    when: Condition
    """When this holds, the rating is capped."""
    cap: Cap | None = None
    """Highest rating the domain can have while the gate holds."""
    overall: Cap | None = None
    """Highest overall rating while the gate holds."""
    reason: StrictStr
    """Shown with the rating, so every cap explains itself."""


class Action(Model):
    id: Id
    phase: Id
    """A phase id from questionnaire.yaml."""
    owner: StrictStr
    """Who leads the action (a role, not a person's name)."""
    when: Condition | None = None
    """Included when this holds; always when absent."""
    title: StrictStr
    detail: StrictStr
    source: Source
    standards: list[Id] = []
    """Ids from questionnaire.yaml 'standards' this action helps a clinic meet (the crosswalk)."""


class Finding(Model):
    id: Id
    when: Condition
    """The sentence is in the plan only while this holds for the clinic's answers."""
    text: StrictStr
    """One sentence describing the clinic's state, true whenever `when` holds."""


class GoLive(Model):
    """A condition that must hold before the first peer meets a patient."""

    id: Id
    title: StrictStr
    """What must be true, phrased as a statement (the checklist line)."""
    met: Condition
    """Holds: met; does not hold: not met (the overall rating is capped at `cap`); unknown: not known yet (capped at amber)."""
    cap: Cap = "red"
    """Highest overall rating while this is not met."""
    reason: StrictStr
    """Why it matters: shown with the cap when it is not met."""
    action: Id
    """The action that lifts it; the plan lists it whenever this is not met."""


class Ratings(Model):
    red: StrictStr
    amber: StrictStr
    green: StrictStr


class Domain(Model):
    id: Id
    title: StrictStr
    summary: StrictStr
    guidance: StrictStr
    ratings: Ratings
    """Anchored descriptions: what each rating means for this domain."""
    questions: list[Question]
    findings: list[Finding] = []
    """What the plan says about this domain: every sentence whose condition holds, in this order."""
    gates: list[Gate] = []
    actions: list[Action] = []


# ---------------------------------------------------------------- top level


class Phase(Model):
    id: Id
    title: StrictStr
    summary: StrictStr


class RatingBands(Model):
    green: StrictInt = Field(ge=1, le=100)
    """Lowest score rated green."""
    amber: StrictInt = Field(ge=1, le=100)
    """Lowest score rated amber; below it is red."""
    labels: Ratings


class Overall(Model):
    weights: dict[Id, StrictInt]
    """Weight of each domain in the overall score."""
    any_red_caps_at: Cap
    """The overall rating's cap while any domain is red."""
    gates: list[Gate] = []


class DocSource(Model):
    title: StrictStr
    page: StrictStr
    """References page section, relative to guidance/."""


class Standard(Model):
    """A published standard or framework a clinic may be held to, for the crosswalk."""

    title: StrictStr
    """The standard (or the part of it) in the toolkit's own words, with its publisher and year."""
    source: Id
    """A source id from 'sources': where the references page cites it."""


class Choice(Model):
    id: Id
    title: StrictStr
    summary: StrictStr
    guidance: StrictStr


class RouteRule(Model):
    route: Id
    when: Condition
    reason: StrictStr


class RouteDefault(Model):
    route: Id
    reason: StrictStr


class Routes(Model):
    options: list[Choice]
    rules: list[RouteRule]
    """First rule that holds decides the route."""
    default: RouteDefault


class RoleRule(Model):
    role: Id
    points: StrictInt
    when: Condition
    reason: StrictStr


class RoleDefault(Model):
    role: Id
    reason: StrictStr


class Roles(Model):
    options: list[Choice]
    min_points: StrictInt
    """A role is recommended when its points reach this."""
    rules: list[RoleRule]
    fallback: RoleDefault
    """Recommended when no role reaches min_points, so a plan always names one."""


class TemplateRule(Model):
    template: Id
    when: Condition | None = None
    reason: StrictStr


class TemplateRules(Model):
    rules: list[TemplateRule]


class Messages(Model):
    answered: StrictStr
    unanswered: StrictStr
    gate: StrictStr
    band: StrictStr
    any_red: StrictStr
    find_out_title: StrictStr
    find_out_detail: StrictStr
    not_scored: StrictStr
    go_live_not_met: StrictStr
    go_live_unknown: StrictStr


class Meta(Model):
    version: StrictStr
    title: StrictStr
    domains: list[Id]
    phases: list[Phase]
    ratings: RatingBands
    overall: Overall
    sources: dict[Id, DocSource]
    routes: Routes
    roles: Roles
    templates: TemplateRules
    messages: Messages
    standards: dict[Id, Standard] = {}
    """The standards crosswalk: each action and template names the standards it helps meet."""
    go_live: list[GoLive] = []
    """The go-live checklist, in the order the plan shows it."""
    start_with: StrictInt = Field(default=3, ge=1)
    """How many of the weakest domains the plan names under 'Start with'."""


class Template(Model):
    id: Id
    title: StrictStr
    kind: Literal["policy", "agreement", "form", "procedure"]
    summary: StrictStr
    """One line: when a clinic needs it."""
    guidance: StrictStr
    standards: list[Id] = []
    """Ids from questionnaire.yaml 'standards' this template helps a clinic meet."""


class Catalog(Model):
    templates: list[Template]


class Questionnaire(Model):
    """The validated questionnaire: what both engines evaluate."""

    meta: Meta
    domains: list[Domain]
    templates: list[Template]
    bindings: Bindings = Bindings()
    """What the renderers read from the answers (templates/bindings.yaml)."""
    planning: Planning | None = None
    """Budget, timeline, risks and indicators (questionnaire/costs.yaml and friends)."""

    @cached_property
    def questions(self) -> list[Question]:
        """Every question in order (built once: the model is frozen; callers must not change the list)."""
        return [q for d in self.domains for q in d.questions]

    def question(self, qid: str) -> Question | None:
        return self._index().get(qid)

    def domain_of(self, qid: str) -> Domain:
        return self._domain_index()[qid]

    @cached_property
    def _domain_index(self) -> Callable[[], dict[str, Domain]]:
        # Looked up for every answer of every file in a review: built once (the model is frozen).
        index = {q.id: d for d in self.domains for q in d.questions}
        return lambda: index

    @cached_property
    def _index(self) -> Callable[[], dict[str, Question]]:
        index = {q.id: q for q in self.questions}
        return lambda: index


# ---------------------------------------------------------------- planning: budget, timeline, risks, indicators
# Loaded from questionnaire/costs.yaml, schedule.yaml, risks.yaml and indicators.yaml.

Amount = Annotated[StrictInt | StrictFloat, Field(ge=0, le=10_000_000)]
"""A non-negative figure with at most two decimal places (pounds and pence, or hours)."""

IsoDate = Annotated[StrictStr, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Employment = Literal["paid", "volunteer"]
Score5 = Annotated[StrictInt, Field(ge=1, le=5)]
"""A rating on the NHS 5 x 5 risk matrix: 1 (rare / negligible) to 5 (almost certain / catastrophic)."""


def _two_places(value: float) -> float:
    if abs(value * 100 - round(value * 100)) > 1e-6:
        raise ValueError("use at most two decimal places")
    return value


class AssumptionCase(Model):
    when: Condition | None = None
    """This value applies when the condition holds on the answers (route tests allowed)."""
    employment: Employment | None = None
    """This value applies only when peers are paid, or only when they are volunteers."""
    value: Annotated[Amount, AfterValidator(_two_places)]


class Assumption(Model):
    id: Id
    """Public id: answer files override it under 'assumptions:'."""
    label: StrictStr
    unit: Literal["money", "number"]
    """money: pounds (shown with £); number: a count, hours or a multiplier."""
    value: Annotated[Amount, AfterValidator(_two_places)]
    """The default when no case holds and the answer file does not override it."""
    source: StrictStr
    """Who publishes the figure, or 'Planning assumption: ...' saying what to confirm."""
    date: IsoDate | None = None
    """When the published figure took effect: figures such as pay and fees change."""
    cases: list[AssumptionCase] = []
    """The first case that holds sets the value, pre-filling it from the answers."""


class CostLine(Model):
    id: Id
    label: StrictStr
    basis: StrictStr
    """How the line is worked out, with {assumption} fields filled in."""
    when: Condition | None = None
    """The line is costed only when this holds."""
    employment: Employment | None = None
    """The line applies only to paid peers, or only to volunteers."""
    times: list[Id] = Field(min_length=1)
    """Assumptions multiplied together for the year-one cost."""
    per: list[Id] = []
    """Assumptions the product is divided by."""
    later: StrictInt = Field(default=100, ge=0, le=100)
    """Each later year costs this per cent of year one."""
    later_from: Id | None = None
    """An assumption holding the later-year percentage instead (such as turnover)."""


class EmploymentModel(Model):
    question: Id
    """The question that says how peers are engaged; may not exist yet (then: volunteers)."""
    paid_options: list[Id]
    """Its options that mean peers are paid."""


class Costs(Model):
    currency: Literal["GBP"]
    employment: EmploymentModel
    assumptions: list[Assumption]
    lines: list[CostLine]


class ActionTiming(Model):
    weeks: StrictInt = Field(ge=0, le=104)
    """Lead time: weeks from when the action can start until it is done."""
    after: list[Id] = []
    """Actions (same or earlier phase) that must be done first, when the plan includes them."""
    must: StrictBool = False
    """A must-do: listed first in its phase, and later phases wait for it."""


class OwnerRule(Model):
    owner: StrictStr
    """An owner as actions name it."""
    when: Condition
    """When this holds the clinic has no such role yet..."""
    becomes: StrictStr
    """...and the action is owned by this instead (e.g. 'To be named')."""


class Schedule(Model):
    default_weeks: StrictInt = Field(ge=0, le=104)
    """Lead time of an action not listed under 'actions'."""
    find_out_weeks: StrictInt = Field(ge=0, le=104)
    """Lead time of a 'Find out' action for an unanswered question (always a must-do)."""
    first_patient_phase: Id
    """The first peer can meet a patient once every must-do before this phase is done."""
    review_months: StrictInt = Field(ge=1, le=24)
    """The plan is reviewed this many months after the assessment."""
    actions: dict[Id, ActionTiming]
    owners: list[OwnerRule] = []


class RiskCase(Model):
    when: Condition
    likelihood: Score5
    """The likelihood before mitigation while this holds (first case that holds wins)."""
    reason: StrictStr
    """Why the answers make the risk more or less likely."""


class Risk(Model):
    id: Id
    title: StrictStr
    when: Condition | None = None
    """The risk is on the register only when this holds."""
    likelihood: Score5
    impact: Score5
    cases: list[RiskCase] = []
    mitigation: StrictStr
    residual_likelihood: Score5
    residual_impact: Score5
    owner: StrictStr
    source: Source


class RiskLevel(Model):
    min: StrictInt = Field(ge=1, le=25)
    """The lowest score (likelihood x impact) at this level."""
    label: StrictStr


class RiskRegister(Model):
    levels: list[RiskLevel]
    """Score bands, highest first (NHS: 15+ extreme, 8+ high, 4+ moderate, else low)."""
    risks: list[Risk]


class Indicator(Model):
    id: Id
    name: StrictStr
    definition: StrictStr
    target: StrictStr
    data_source: StrictStr
    """Where the figure comes from (the work log, the referral form...)."""
    frequency: StrictStr
    owner: StrictStr
    when: Condition | None = None
    """Chosen when this holds (aims, roles, route)."""
    source: Source
    """The source document that makes this a quality indicator worth reporting."""


class Indicators(Model):
    indicators: list[Indicator]


class Planning(Model):
    """Everything that turns the assessment into a plan a board can act on."""

    costs: Costs
    schedule: Schedule
    risks: RiskRegister
    indicators: Indicators


Questionnaire.model_rebuild()
