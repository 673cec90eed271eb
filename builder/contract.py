"""The public answer-file contract, version 1: ids that answer files depend on for years.

`readiness check` fails if the questionnaire drops or retypes any of these; more
questions and options may be added freely.
"""

from __future__ import annotations

ANSWER_FILE_VERSION = 1

PUBLIC: dict[str, tuple[str, tuple[str, ...]]] = {
    "budget": ("single", ("dedicated_role", "extend_role", "none")),
    "partner_org": ("single", ("hiv_peer_org", "other_peer_org", "none")),
    "champions": ("multi", ("clinical_staff", "managers", "patients", "none")),
    "policies_in_place": ("multi", ("confidentiality", "data_protection", "volunteer", "safeguarding", "lone_working",
                                    "expenses", "recruitment_checks", "supervision", "boundaries", "none")),
    "volunteer_service": ("single", ("yes", "no", "unsure")),
    "aims": ("multi", ("newly_diagnosed", "adherence", "health_promotion", "service_access", "group_support")),
    "space": ("single", ("dedicated_room", "shared_room", "none")),
    "booking": ("single", ("admin_team", "coordinator", "peers", "none")),
    "info_access": ("single", ("none", "limited", "full_notes")),
    "note_taking": ("single", ("none", "peer_log", "clinic_record")),
    "training": ("single", ("in_house", "partner", "accredited", "none")),
    "supervision": ("single", ("in_clinic", "partner", "none")),
}
"""question id -> (type, option ids) that must exist and keep their meaning."""

CONDITIONAL_ALLOWED = {"note_taking"}
"""Public questions that may be skipped by routing (note_taking when info_access is none)."""

TEMPLATE_IDS = (
    "role_description", "volunteer_agreement", "confidentiality", "honorary_contract", "supervision",
    "safeguarding", "lone_working", "expenses", "boundaries", "referral_form", "work_log",
    "availability_chart", "partnership_agreement", "recruitment", "ending_support", "monitoring_return",
)
"""Template ids the plan may list; the catalog must offer every one."""
