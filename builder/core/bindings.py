"""What the renderers read from the answers, declared as data (templates/bindings.yaml), never as ids in code.

The plan's policy checklist, the partner named in agreements and the referral pathway's wording
depend on particular questions. Which questions, and what each option means there, is said in
`templates/bindings.yaml`; `readiness check` verifies every id in it. A questionnaire without the
file, or without one of its sections, simply gets documents without that tailoring.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartnerBinding(_Model):
    """The partner organisation that agreements and the plan name."""

    question: str
    """The single-choice question whose answer is the partner's kind."""
    name_question: str | None = None
    """The free-text question holding the partner's name."""
    no_partner: list[str] = Field(default_factory=list)
    """Options of `question` that mean there is no partner."""
    phrases: dict[str, str] = Field(default_factory=dict)
    """How an option reads in running text ('an HIV peer support organisation'); default: its label."""


class PolicyChecklist(_Model):
    """The plan's checklist of policies, and the template that fills each gap."""

    question: str
    """The multi-choice question listing the policies already in place."""
    templates: dict[str, str] = Field(default_factory=dict)
    """Option id -> id of the template that fills the gap when that policy is missing."""


class PathwaySlot(_Model):
    """A word in the referral pathway that depends on one answer."""

    question: str
    """The single-choice question the word depends on."""
    phrases: dict[str, str] = Field(default_factory=dict)
    """Option id -> the words used for it."""
    default: str
    """The words used when the question is unanswered or its answer has no phrase."""


class PathwayStep(_Model):
    id: str
    """The diagram's node id."""
    text: str
    """The step, with {slot} fields filled from `slots` and {role} from the best-fit peer role."""


class PathwayLoop(_Model):
    """A dashed edge back to an earlier step, such as 'next referral'."""

    from_step: str = Field(alias="from")
    to_step: str = Field(alias="to")
    label: str


class Pathway(_Model):
    """The referral pathway diagram in the plan, step by step."""

    steps: list[PathwayStep]
    slots: dict[str, PathwaySlot] = Field(default_factory=dict)
    loop: PathwayLoop | None = None


class SplitRow(_Model):
    area: str
    clinic: str | None = None
    """What the clinic leads on."""
    other: str | None = None
    """What the partner (or hub) leads on."""
    shared: str | None = None
    """What both share; instead of `clinic` and `other`."""


class PartnershipSplit(_Model):
    """The plan's table of who does what, clinic and partner (or regional hub)."""

    basis: str
    """Where the split comes from, one sentence."""
    own_routes: list[str] = Field(default_factory=list)
    """Routes where the clinic works alone: the table is shown only if there is a partner anyway."""
    hub_routes: list[str] = Field(default_factory=list)
    """Routes where the other party is a regional hub rather than a partner."""
    rows: list[SplitRow]


class NetworkBinding(_Model):
    """Whether a clinic is in, or wants, a regional network: the review's hub-and-spoke opportunities."""

    question: str
    """The single-choice question that asks it."""
    interested: list[str]
    """Its options meaning the clinic is in a network or wants one."""


class NationBinding(_Model):
    """The nation the service is in: what the budget (pay scales, check fees) reads by nation."""

    question: str
    """The single-choice question whose options are the nations."""


class Bindings(_Model):
    """templates/bindings.yaml."""

    partner: PartnerBinding | None = None
    partnership_split: PartnershipSplit | None = None
    policy_checklist: PolicyChecklist | None = None
    pathway: Pathway | None = None
    regional_network: NetworkBinding | None = None
    nation: NationBinding | None = None
