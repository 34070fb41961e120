"""Helpers for views: every case page starts with `case_for(request, crn, part)`."""

from .case import access_case


def case_for(request, crn: str, part: str):
    return access_case(request.user, crn, part=part, request=request)
