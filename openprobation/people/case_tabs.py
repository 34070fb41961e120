"""The case sub-navigation, shared by every case page: (label, url name, tab key)."""

CASE_TABS = (
    ("Overview", "case:overview", "overview"),
    ("Personal details", "case:personal-details", "personal-details"),
    ("Sentence", "sentence:index", "sentence"),
    ("Appointments", "supervision:appointments", "appointments"),
    ("Activity log", "supervision:activity-log", "activity-log"),
    ("Compliance", "supervision:compliance", "compliance"),
)


def case_context(person, active_tab: str, **extra) -> dict:
    return {"person": person, "case_tabs": CASE_TABS, "active_tab": active_tab, **extra}
