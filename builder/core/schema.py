"""The one declaration of the questionnaire's shape: typed models, one docstring per field."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    computed_field,
    model_validator,
)

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
    """A go-live checklist line: what must hold before the first peer meets a patient.

    Never written by hand: the loader derives each one from a hazard in hazards.yaml (see Hazard)."""

    id: Id
    title: StrictStr
    """What must be true, phrased as a statement (the checklist line)."""
    met: Condition
    """Holds: met. Does not hold: not met, or planned (see `planned`). Unknown: not known yet. Any status but met
    makes the overall rating red."""
    planned: Condition | None = None
    """While the item is not met, this holds when what is missing is only planned, not absent: shown as planned."""
    reason: StrictStr
    """Why it matters: shown with the cap when it is not met."""
    action: Id
    """The first action that lifts it (the plan's checklist line links to it)."""
    actions: list[Id] = []
    """Every action that lifts it: each a must-do before the first patient, listed whenever the item is not met
    and the action's own condition does not rule it out."""
    hazard: Id | None = None
    """The hazard in hazards.yaml this item controls."""


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
    when: Condition | None = None
    """For a source that describes one nation's system or one kind of service: a plan lists it only when this holds
    (not while it is unknown). None: every plan lists it."""


class Standard(Model):
    """A published standard or framework a clinic may be held to, for the crosswalk."""

    title: StrictStr
    """The standard (or the part of it) in the toolkit's own words, with its publisher and year."""
    source: Id
    """A source id from 'sources': where the references page cites it."""
    when: Condition | None = None
    """The standard applies only while this holds (an HIV standard for an HIV service); always when absent.
    Unknown counts as not holding, so no standard for one kind of service reaches a plan that has not said it is one."""


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


class GoLiveStatus(Model):
    """How a go-live item's status is named wherever a plan shows it (plan.md, plan.pdf, the wizard)."""

    met: StrictStr
    """In place: the hazard's cause is definitely false."""
    not_met: StrictStr
    planned: StrictStr
    """Planned or booked, not in place: still not met."""
    unknown: StrictStr
    """Turns on an unanswered question: not known is not ready."""


class Plural(Model):
    one: StrictStr
    """The wording for a count of 1."""
    many: StrictStr
    """The wording for any other count."""


class RatingSentence(Model):
    """The overall rating as one plain sentence that points at its reason ({label}, {count}, {areas})."""

    not_in_place: Plural
    """Some go-live items are not met or only planned."""
    unknown: Plural
    """None is missing, but some are not known yet."""
    red_areas: Plural
    """Every go-live item is met, but some areas are red."""
    in_place: StrictStr
    """Every go-live item is met and no area is red."""


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
    go_live_planned: StrictStr
    go_live_unknown: StrictStr
    go_live_status: GoLiveStatus
    """The words for each go-live status."""
    rating_sentence: RatingSentence
    """The overall rating in one sentence (the plan's first word on it; the score and caps follow)."""


class SharedRule(Model):
    """A rule stated once and used wherever it applies: `{holds: id}` in any condition, `{rule:id}` in any text,
    `rules.<id>` in a template."""

    says: StrictStr
    """The rule in one sentence, as the questionnaire's hints, the plan and the guidance state it."""
    when: Condition
    """The answers for which it applies."""


class Formats(Model):
    """How the questionnaire is named when it leaves the toolkit as XLSForm or FHIR (`readiness export --format`)."""

    form_id: Id
    """The XLSForm's form_id: KoboToolbox, ODK Central and the submissions' XML root use it."""
    canonical: Annotated[StrictStr, Field(pattern=r"^(https?://|urn:)[^\s|#]+$")]
    """The FHIR Questionnaire's canonical URL (its `url`); a QuestionnaireResponse cites it with `|version`."""
    code_system: Annotated[StrictStr, Field(pattern=r"^(https?://|urn:)[^\s|#]+$")]
    """The FHIR code system every answer option's code belongs to (option ids are its codes)."""


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
    find_out_prefix: Id
    """The start of the id of each "Find out" action the plan adds for a question not answered yet; the question's id
    follows it (find_out_space). Data, so no code names it: both engines and every renderer read it from here."""
    standards: dict[Id, Standard] = {}
    """The standards crosswalk: each action and template names the standards it helps meet."""
    go_live: list[GoLive] = []
    """The go-live checklist, in the order the plan shows it: derived by the loader from hazards.yaml, never
    written in questionnaire.yaml."""
    start_with: StrictInt = Field(default=3, ge=1)
    """How many of the weakest domains the plan names under 'Start with'."""
    shared_rules: dict[Id, SharedRule] = {}
    """Rules stated once (such as when a peer needs an honorary contract), expanded where they are used."""
    formats: Formats | None = None
    """Names for the open-format exports; without it `readiness export --format xlsform|fhir` says what to add."""


class Claim(Model):
    """A sentence in a template that states a fact about the clinic or the peer's terms, and when it is true."""

    id: Id
    """The template reads it as `claims.<id>`: true only while `when` holds for the clinic's answers."""
    text: StrictStr
    """Words that appear in the template only where the claim is made (`readiness check` finds them in the file)."""
    when: Condition
    """The answers that make the claim true (route and role tests allowed); unknown answers never do."""


class Template(Model):
    id: Id
    title: StrictStr
    kind: Literal["policy", "agreement", "form", "procedure"]
    summary: StrictStr
    """One line: when a clinic needs it."""
    guidance: StrictStr
    standards: list[Id] = []
    """Ids from questionnaire.yaml 'standards' this template helps a clinic meet."""
    claims: list[Claim] = []
    """Facts the template states only when the answers support them; otherwise it shows a fill-in field."""


class Catalog(Model):
    templates: list[Template]


class GlossaryTerm(Model):
    term: StrictStr
    """The word or phrase as the toolkit writes it."""
    definition: StrictStr
    """What it means, in plain words."""
    retired: list[StrictStr] = []
    """Other words for the same thing that the toolkit no longer uses; tests/test_glossary.py finds them anywhere."""


class RetiredWord(Model):
    words: list[StrictStr]
    """Words the toolkit no longer writes…"""
    use: StrictStr
    """…and what it writes instead."""


class Glossary(Model):
    terms: list[GlossaryTerm]
    """In alphabetical order."""
    style: list[RetiredWord] = []
    """Words retired for the house style rather than for a term (numbers as digits, for example)."""


class Questionnaire(Model):
    """The validated questionnaire: what both engines evaluate."""

    meta: Meta
    domains: list[Domain]
    templates: list[Template]
    bindings: Bindings = Bindings()
    """What the renderers read from the answers (templates/bindings.yaml)."""
    planning: Planning | None = None
    """Budget, timeline, risks and indicators (questionnaire/costs.yaml and friends)."""
    local: Local = Field(default_factory=lambda: Local())
    """Wording that depends on where the service is and whom it serves (questionnaire/local.yaml)."""
    hazards: HazardLog | None = None
    """The hazard log (questionnaire/hazards.yaml); meta.go_live is derived from it."""
    glossary: Glossary | None = None
    """The words the plan, the wizard, the book and the guidance use (questionnaire/glossary.yaml)."""

    _compiled: object = PrivateAttr(default=None)
    """Its compiled form (builder/core/compiled.py), attached by the loader."""

    def attached(self) -> object:
        """The compiled form attached to this questionnaire, or None: read it through builder.core.compiled.compiled."""
        private = self.__pydantic_private__  # not self._compiled: pydantic's __getattr__ for it costs microseconds a read
        return private.get("_compiled") if private else None

    def attach(self, compiled: object) -> None:
        """Attach the compiled form (builder.core.compiled.compiled does; private attributes are not frozen)."""
        self._compiled = compiled

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
Employment = Literal["paid", "sessional", "partner", "volunteer"]
"""How peers are costed: paid staff on a pay band, sessional workers paid by the session, peers a partner
employs and charges for, or volunteers paid expenses only."""
Score5 = Annotated[StrictInt, Field(ge=1, le=5)]
"""A rating on the NHS 5 x 5 risk matrix: 1 (rare / negligible) to 5 (almost certain / catastrophic)."""


def _two_places(value: float) -> float:
    if abs(value * 100 - round(value * 100)) > 1e-6:
        raise ValueError("use at most two decimal places")
    return value


class AssumptionCase(Model):
    when: Condition | None = None
    """This value applies when the condition holds on the answers (route tests allowed)."""
    employment: list[Employment] | None = None
    """This value applies only when peers are costed as one of these (paid, sessional, partner, volunteer)."""
    value: Annotated[Amount, AfterValidator(_two_places)] | None = None
    """The value; or else `figure`."""
    figure: Id | None = None
    """A dated figure from figures.yaml, in the clinic's nation, instead of `value`."""

    @model_validator(mode="after")
    def _one_value(self) -> AssumptionCase:
        if (self.value is None) == (self.figure is None):
            raise ValueError("give either 'value' or 'figure'")
        return self


class Assumption(Model):
    id: Id
    """Public id: answer files override it under 'assumptions:'."""
    label: StrictStr
    unit: Literal["money", "number"]
    """money: pounds (shown with £); number: a count, hours or a multiplier."""
    value: Annotated[Amount, AfterValidator(_two_places)] | None = None
    """The default when no case holds and the answer file does not override it; or else `figure` or `percent_of`."""
    figure: Id | None = None
    """The default is this dated figure from figures.yaml, in the clinic's nation (its source and dates come with it)."""
    percent_of: list[Id] = []
    """The default is a multiplier: 1 plus these percentages (other assumptions), rounded to two places."""
    source: StrictStr | None = None
    """Who publishes the figure, or 'Planning assumption: ...' saying what to confirm; figures carry their own."""
    cases: list[AssumptionCase] = []
    """The first case that holds sets the value, pre-filling it from the answers."""

    @model_validator(mode="after")
    def _one_default(self) -> Assumption:
        given = [self.value is not None, self.figure is not None, bool(self.percent_of)]
        if sum(given) != 1:
            raise ValueError("give exactly one of 'value', 'figure' or 'percent_of'")
        if self.figure is None and self.source is None:
            raise ValueError("'source' is required unless the default is a 'figure'")
        return self


class CostLine(Model):
    id: Id
    label: StrictStr
    basis: StrictStr
    """How the line is worked out, with {assumption} fields filled in."""
    when: Condition | None = None
    """The line is costed only when this holds."""
    employment: list[Employment] | None = None
    """The line applies only when peers are costed as one of these."""
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
    """The single-choice question that says how peers are engaged; `readiness check` requires it and its options."""
    options: dict[Id, Employment]
    """Each of its options, and how peers are costed when it is chosen."""
    unknown: Employment
    """How peers are costed while the question is unanswered."""
    notes: dict[Id, StrictStr] = {}
    """A sentence the budget says when an option (or 'unknown') is how the model was chosen."""


class Costs(Model):
    currency: Literal["GBP"]
    employment: EmploymentModel
    assumptions: list[Assumption]
    lines: list[CostLine]


# ---------------------------------------------------------------- dated figures by nation (figures.yaml)

FigureKind = Literal["pay", "hours", "fee", "rate"]
NOT_CONFIRMED = "not confirmed"
"""What `took_effect` says while no source to hand gives the date a figure took effect (never a guessed date)."""


def _fields_in(text: str) -> set[str]:
    return set(re.findall(r"\{([a-z_]+)\}", text))


class Figure(Model):
    value: Annotated[Amount, AfterValidator(_two_places)]
    unit: Literal["money", "number"]
    kind: FigureKind
    """Which staleness threshold applies (figures.yaml 'stale_after_days')."""
    source: Id
    """A source id from questionnaire.yaml 'sources'."""
    took_effect: IsoDate | Literal["not confirmed"]
    """When the figure took effect (YYYY-MM-DD), or "not confirmed" while no source to hand gives the date: the plan
    then says so beside the figure and in the budget's notes, and `readiness check --strict` flags it."""
    checked: IsoDate
    """When someone last checked it is still the figure in force."""
    year: StrictStr | None = None
    """The pay year it belongs to ('2025/26'), said in the plan."""
    verified: StrictBool = True
    """False while the figure has not been checked against its publisher: the plan says so."""
    note: StrictStr | None = None
    """What to know about it (what it includes, why it is not verified)."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def dated(self) -> bool:
        """True when the date it took effect is known (exported, so planning.js reads it rather than the word)."""
        return self.took_effect != NOT_CONFIRMED


class Nation(Model):
    name: StrictStr
    """The nation as the plan names it."""
    checks: StrictStr
    """Its criminal-record checking service as cost lines name it ('DBS', 'PVG (Disclosure Scotland)')."""
    figures: dict[Id, Figure]
    """This nation's own figures; any figure not given is the shared one."""


def _only(*allowed: str) -> Callable[[str], str]:
    """A note that may use only these {fields}; any other is an error at the note's own line."""

    def check(text: str) -> str:
        extra = _fields_in(text) - set(allowed)
        if extra:
            said = ", ".join("{" + f + "}" for f in allowed) or "no {fields}"
            raise ValueError(f"this note may use {said}, not " + ", ".join("{" + f + "}" for f in sorted(extra)))
        return text

    return check


NoteNation = Annotated[StrictStr, AfterValidator(_only("nation"))]
NoteYears = Annotated[StrictStr, AfterValidator(_only("years", "nation"))]
NoteLabels = Annotated[StrictStr, AfterValidator(_only("nation", "labels"))]
NoteSource = Annotated[StrictStr, AfterValidator(_only("source"))]
NoteCite = Annotated[StrictStr, AfterValidator(_only("source", "date"))]
NotePlain = Annotated[StrictStr, AfterValidator(_only())]


class BudgetNotes(Model):
    """The budget's sentences and phrases about its figures, in data so budget.py and planning.js say the same words.

    Each may use only the {fields} listed for it; both engines fill them in one pass, so a value is never re-read."""

    assumed: NoteNation
    """Said when the nation is not known and the default nation's figures were used."""
    pay_year: NoteYears
    """Names the pay year(s) the costed lines use."""
    unverified: NoteLabels
    """Lists the assumptions whose figures are not yet verified against their publisher."""
    undated: NoteLabels
    """Lists the assumptions whose figures' took_effect is not confirmed: what the clinic must confirm."""
    unverified_source: NoteSource
    """An assumption's source while its figure is not yet verified."""
    cite_dated: NoteCite
    """A cost line's citation of a dated figure."""
    cite_undated: NoteSource
    """A cost line's citation of a figure whose date is not confirmed."""
    undated_shown: NotePlain
    """Shown beside an assumption in place of the date it took effect, while that date is not confirmed."""
    no_source: NotePlain
    """A cost line's source when it uses no published figure."""


class StatedFigures(Model):
    """What the role description and the recruitment procedure state from the budget (the plan's budget.stated)."""

    pay: Id
    """The assumption (costs.yaml) whose figure names a paid peer's pay scale: its pay year and the date it took effect."""
    check_fee: Id
    """The assumption whose figure is the criminal record check fee for this clinic's level of check and its peers."""
    weekly_hours: Id
    """The figure (in every nation) that is the nation's standard full-time hours a week."""


class Figures(Model):
    default_nation: Id
    """The nation whose figures are used while the clinic's nation is not known."""
    assumed_checks: StrictStr
    """What {checks} says in cost labels while the nation is not known: no one nation's scheme is named."""
    notes: BudgetNotes
    """The budget's sentences about its figures (the nation assumed, the pay year, figures to confirm)."""
    stale_after_days: dict[FigureKind, StrictInt]
    """`readiness check --strict` warns when a figure of this kind was last checked longer ago than this."""
    shared: dict[Id, Figure] = {}
    """Figures that are the same in every nation (UK-wide taxes and rates)."""
    nations: dict[Id, Nation]
    stated: StatedFigures | None = None
    """What the templates state from the budget; left out, they ask for pay, hours and fees as fill-in fields."""


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


class FirstSteps(Model):
    """The plan's top steps, decided here once for the command line's plan and the browser's (both engines read it)."""

    count: StrictInt = Field(default=5, ge=1, le=10)
    """How many steps the plan lists."""
    blocking: list[Literal["not_met", "planned", "unknown"]] = ["not_met", "planned", "unknown"]
    """Go-live statuses whose item's action comes first: those actions lead the list, soonest due first (ties in the
    checklist's order); the must-dos that can start now, one per area where possible, fill the rest, soonest due first."""


class Schedule(Model):
    first_steps: FirstSteps = FirstSteps()
    """The top steps (see FirstSteps)."""
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


class HazardGoLive(Model):
    """The go-live checklist line a hazard puts on every plan."""

    id: Id
    """The checklist item's id, as the plan's `go_live` list names it."""
    title: StrictStr
    """What must be true before the first peer meets a patient, as a statement."""
    reason: StrictStr
    """What could happen while it is not true (completes "Not ready to start because ...")."""


class HazardControls(Model):
    """What reduces the hazard: a go-live item, the actions that lift it and the templates that support them."""

    go_live: HazardGoLive
    """The checklist item; the checklist is built from these, in the hazard log's order."""
    actions: list[Id] = Field(min_length=1)
    """Actions (from the domain files) that lift the item: must-dos before the first patient."""
    templates: list[Id] = []
    """Templates (from templates/catalog.yaml) a clinic adapts to put the control in place."""


class Hazard(Model):
    """One thing a peer support service could do to harm a patient or a peer, and how the plan controls it."""

    id: Id
    title: StrictStr
    """A short name for the hazard."""
    harm: StrictStr
    """What could happen, and to whom, in one or two sentences."""
    affects: list[Literal["patient", "peer", "staff"]] = Field(min_length=1)
    """Who could be harmed."""
    cause: Condition
    """Holds (or cannot be ruled out because an answer is unknown) while the hazard is uncontrolled. The go-live
    item is met only when this is definitely false."""
    planned: Condition | None = None
    """While the cause holds, this holds when every missing control is at least planned (shown as planned, still not met)."""
    severity: Score5
    """How bad the harm would be, on the NHS 5 x 5 scale the risk register uses (5: catastrophic)."""
    likelihood: Score5
    """How likely it is while the cause holds, before controls (5: almost certain)."""
    cases: list[RiskCase] = []
    """Answers that make it more or less likely (first that holds wins), as in the risk register."""
    residual_severity: Score5
    """Severity once every control is in place."""
    residual_likelihood: Score5
    """Likelihood once every control is in place."""
    controls: HazardControls
    procedure: list[StrictStr] = []
    """What a peer does when the hazard arises, step by step, in the words the plan's lifting action and the
    supporting templates print (tests/test_hazards.py holds all three to the same words)."""
    evidence: list[StrictStr] = Field(min_length=1)
    """The tests that prove the control works, as pytest node ids (file::test)."""
    source: Source
    """The source document that names the hazard or its control."""


class HazardLog(Model):
    """questionnaire/hazards.yaml: the safety case's hazard log."""

    method: StrictStr
    """How the log is kept and reviewed (the clinical risk management method it follows)."""
    hazards: list[Hazard] = Field(min_length=1)


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
    figures: Figures
    """Dated figures by nation (questionnaire/figures.yaml), read by the costs' assumptions."""
    schedule: Schedule
    risks: RiskRegister
    indicators: Indicators


# ---------------------------------------------------------------- local wording: nation and kind of service
# Loaded from questionnaire/local.yaml.


class Term(Model):
    """Wording that depends on one answer: the nation's checking scheme, the words for the service's condition."""

    question: Id
    """The single-choice question the wording depends on."""
    label: StrictStr | None = None
    """When set, the plan lists the term under this label (what applies where the service is)."""
    values: dict[Id, StrictStr]
    """Option id -> the wording for that answer ('' when nothing applies, for example no Welsh Language Standards in England)."""
    unknown: StrictStr
    """The wording while the question is unanswered: neutral, never one nation's or one condition's by default."""
    sources: list[Id] = []
    """Source ids from questionnaire.yaml 'sources' the wording rests on (cited on the references page)."""
    checked: IsoDate
    """When the wording was last checked against its sources."""


class Local(Model):
    """questionnaire/local.yaml: terms that action details, findings, template reasons and templates fill in as {term}."""

    terms: dict[Id, Term] = {}


Questionnaire.model_rebuild()
