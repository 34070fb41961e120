"""Helpers for views: every case page starts with `case_for(request, crn, part)`.

`case_for` reads the case through `access.case.access_case`: a GET (or HEAD) asks to read `part`; any other
method asks to change it, which roles that may only read are refused (403) before the view runs any code.
A page that is only a form for a change can say so with `for_change=True`, and read-only roles are refused
the form too, not only its submission.
"""

from ..case import access_case, is_change


def case_for(request, crn: str, part: str, *, for_change: bool = False):
    change = for_change or is_change(request)
    return access_case(request.user, crn, part=part, request=request, change=change)
