"""The permission matrix as code: which role may read or change which part of a case.

docs/access.md is the same matrix in words, with the reason for every row; change both together.
Two questions decide every case page, in this order (`access.case.access_case` asks them):

1. Does the user's role reach this case at all? (`reaches_every_case`, `reaches_shared_cases`,
   `reaches_sampled_cases`; then the limited-access lists, which bind every role.) No: "not found" (404).
2. May the role read this part, and, for a change (POST), change it? (`may_read_part`, `may_change_part`.)
   No: "forbidden" (403), because the user already knows the case exists.

A part this module does not list is case record: read by the case record roles, changed by its writers.
New pages therefore fail closed for providers, partners' and inspectors' writes, admins and the data
protection officer, without anyone having to remember to add them here.
"""

from dataclasses import dataclass

from openprobation.staff.models import SPECIAL_CATEGORY_ROLES, Role

# ---------------------------------------------------------------------------
# Parts of a case: the `part` every case page passes to `case_for`, and the AccessEvent records.

OVERVIEW = "overview"
PERSONAL_DETAILS = "personal-details"
SENTENCE = "sentence"
APPOINTMENTS = "appointments"
ACTIVITY_LOG = "activity-log"
COMPLIANCE = "compliance"
EQUALITY_DATA = "equality-data"
SHARING = "sharing"
RISK_AND_NEEDS = "risk-and-needs"
SENTENCE_PLAN = "sentence-plan"
LIMITED_ACCESS = "limited-access"
ACCESS_LOG = "access-log"
SUBJECT_ACCESS = "subject-access"

# ---------------------------------------------------------------------------
# Groups of roles. Each is named for what its members do, not for who they are.

PRACTITIONERS = frozenset({Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER})
MANAGERS = frozenset({Role.SENIOR_PROBATION_OFFICER})
# Probation staff hold the national record between them: any of them may be asked to cover any case.
PROBATION_STAFF = PRACTITIONERS | MANAGERS | {Role.CASE_ADMINISTRATOR, Role.COURT_OFFICER}
CASE_RECORD_READERS = PROBATION_STAFF | {Role.PARTNER, Role.INSPECTOR}
CASE_RECORD_WRITERS = PRACTITIONERS | MANAGERS | {Role.CASE_ADMINISTRATOR}
# Court officers record court results: orders, licences and their requirements.
COURT_WORK_WRITERS = CASE_RECORD_WRITERS | {Role.COURT_OFFICER}
CASE_OWNERS = PRACTITIONERS | MANAGERS
ACCESS_OVERSEERS = MANAGERS | {Role.DATA_PROTECTION}
NOBODY = frozenset()

# Whose role reaches which cases (before the limited-access lists, which bind everyone).
NATIONAL_SCOPE = PROBATION_STAFF | {Role.DATA_PROTECTION}
SHARED_SCOPE = frozenset({Role.PARTNER})
SAMPLE_SCOPE = frozenset({Role.INSPECTOR})


@dataclass(frozen=True)
class PartRule:
    read: frozenset
    change: frozenset
    why: str


CASE_RECORD = PartRule(
    read=CASE_RECORD_READERS,
    change=CASE_RECORD_WRITERS,
    why="Case record: probation staff read it; practitioners, managers and case administrators change it; "
        "partners and inspectors only read what was shared or sampled.",
)

PART_RULES: dict[str, PartRule] = {
    OVERVIEW: CASE_RECORD,
    PERSONAL_DETAILS: CASE_RECORD,
    APPOINTMENTS: CASE_RECORD,
    ACTIVITY_LOG: CASE_RECORD,
    COMPLIANCE: CASE_RECORD,
    SENTENCE: PartRule(
        read=CASE_RECORD_READERS,
        change=COURT_WORK_WRITERS,
        why="Court work: court officers record orders, licences and requirements as well.",
    ),
    RISK_AND_NEEDS: PartRule(
        read=CASE_RECORD_READERS,
        change=CASE_OWNERS,
        why="Assessing risk and needs is the supervising practitioner's professional judgement, countersigned "
            "by a manager: case administrators read it but do not write it.",
    ),
    SENTENCE_PLAN: PartRule(
        read=CASE_RECORD_READERS,
        change=CASE_OWNERS,
        why="The sentence plan is agreed between the person and their practitioner: case administrators read it.",
    ),
    EQUALITY_DATA: PartRule(
        read=SPECIAL_CATEGORY_ROLES,
        change=SPECIAL_CATEGORY_ROLES & CASE_RECORD_WRITERS,
        why="Special-category data (DPA 2018 s.35): only roles whose work strictly needs it; reads audited apart.",
    ),
    SHARING: PartRule(
        read=CASE_OWNERS,
        change=CASE_OWNERS,
        why="Sharing with a partner agency is a decision about the case: its practitioners and managers make it.",
    ),
    LIMITED_ACCESS: PartRule(
        read=ACCESS_OVERSEERS,
        change=ACCESS_OVERSEERS,
        why="Who may not see a case is itself sensitive: managers and the data protection officer keep the lists.",
    ),
    ACCESS_LOG: PartRule(
        read=ACCESS_OVERSEERS,
        change=NOBODY,
        why="Who has looked: managers and the data protection officer; the log itself never changes.",
    ),
    SUBJECT_ACCESS: PartRule(
        read=frozenset({Role.DATA_PROTECTION}),
        change=frozenset({Role.DATA_PROTECTION}),
        why="Subject access requests are answered by the data protection officer.",
    ),
}

# The page a role lands on when it opens a case from a list: the first part it may read.
LANDING_PARTS = (OVERVIEW, ACCESS_LOG, SUBJECT_ACCESS)


def rule_for(part: str) -> PartRule:
    return PART_RULES.get(part, CASE_RECORD)


# ---------------------------------------------------------------------------
# Predicates: one condition per line.


def is_signed_in_staff(user) -> bool:
    if user is None:
        return False
    if not user.is_authenticated:
        return False
    return user.is_active


def reaches_every_case(user) -> bool:
    return user.role in NATIONAL_SCOPE


def reaches_shared_cases(user) -> bool:
    return user.role in SHARED_SCOPE


def reaches_sampled_cases(user) -> bool:
    return user.role in SAMPLE_SCOPE


def may_read_part(user, part: str) -> bool:
    return user.role in rule_for(part).read


def may_change_part(user, part: str) -> bool:
    return user.role in rule_for(part).change


def may_read_equality_data(user) -> bool:
    return may_read_part(user, EQUALITY_DATA)


def may_create_people(user) -> bool:
    """Adding a person to the record: practitioners, managers, case administrators and court officers."""
    return user.role in COURT_WORK_WRITERS


def may_share_with(partner) -> bool:
    """A case may be shared only with an active public protection partner user."""
    if not partner.is_active:
        return False
    return partner.role in SHARED_SCOPE


def may_inspect(inspector) -> bool:
    if not inspector.is_active:
        return False
    return inspector.role in SAMPLE_SCOPE


def may_manage_inspection_samples(user) -> bool:
    """Setting up an inspection's sample is user and access administration, not case work."""
    return user.role == Role.ADMIN


def may_oversee_access(user) -> bool:
    return user.role in ACCESS_OVERSEERS


def landing_part(user) -> str | None:
    """The first part of a case this user's role may read, or None if it reads no case page."""
    for part in LANDING_PARTS:
        if may_read_part(user, part):
            return part
    return None
