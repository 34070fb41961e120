from .queries import ACTIONS, CHANGES, Entry, HistoryPage, history_page, page_size, show_choices, versions_of
from .values import BLANK, Change, differences, display

__all__ = [
    "ACTIONS",
    "BLANK",
    "CHANGES",
    "Change",
    "Entry",
    "HistoryPage",
    "differences",
    "display",
    "history_page",
    "page_size",
    "show_choices",
    "versions_of",
]
