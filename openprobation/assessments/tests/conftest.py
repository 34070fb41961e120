import pytest
from django.urls import reverse


def url(name, person, *args):
    return reverse(f"assessments:{name}", args=[person.crn, *args])


def date_fields(name, day, prefix=""):
    key = f"{prefix}-{name}" if prefix else name
    return {f"{key}_day": str(day.day), f"{key}_month": str(day.month), f"{key}_year": str(day.year)}


def error_summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html, "no error summary on the page"
    start = html.index('class="govuk-error-summary"')
    return html[start: html.index("</ul>", start)]


@pytest.fixture
def pat_client(client, pat):
    client.force_login(pat)
    return client
