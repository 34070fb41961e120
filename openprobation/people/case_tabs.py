"""The case sub-navigation, shared by every case page: (label, url name, tab key)."""

CASE_TABS = (
    ("Overview", "case:overview", "overview"),
    ("Personal details", "case:personal-details", "personal-details"),
    ("Sentence", "sentence:index", "sentence"),
    ("Appointments", "supervision:appointments", "appointments"),
    ("Activity log", "supervision:activity-log", "activity-log"),
    ("Compliance", "supervision:compliance", "compliance"),
    ("Services", "interventions:case-services", "services"),
    ("Risk and needs", "assessments:index", "risk-and-needs"),
    ("Sentence plan", "assessments:plan", "sentence-plan"),
    ("Risk flags", "protection:flags", "risk-flags"),
    ("Sharing", "case-access:sharing", "sharing"),
    ("Limited access", "case-access:limited-access", "limited-access"),
    ("Who has looked", "case-access:access-log", "access-log"),
    ("History", "case-audit:history", "history"),
    ("Subject access", "case-audit:subject-access", "subject-access"),
)


def case_context(person, active_tab: str, **extra) -> dict:
    # Each tab key is the access part its page reads: show only the tabs the viewer's role may open.
    access = getattr(person, "case_access", None)
    tabs = [tab for tab in CASE_TABS if access is None or access.may_read(tab[2])]
    return {"person": person, "case_tabs": tabs, "active_tab": active_tab, **extra}
