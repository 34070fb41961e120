"""Error pages in GOV.UK style. Each answers with its status and never leaks details."""

from django.shortcuts import render


def _error(request, status, title, message, exception=None):
    # A limited-access case answers "not found" with its configured message, when there is one.
    detail = getattr(exception, "public_message", "") if exception is not None else ""
    return render(
        request,
        "frontend/errors/error.html",
        {"title": title, "message": detail or message, "status": status},
        status=status,
    )


def not_found(request, exception=None):
    return _error(
        request,
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you followed a link to a case, "
        "the case may not exist or you may not have access to it.",
        exception,
    )


def forbidden(request, exception=None):
    return _error(
        request,
        403,
        "You do not have access to this page",
        "Your role does not allow this. Ask your manager if you think you need access.",
        exception,
    )


def bad_request(request, exception=None):
    return _error(
        request, 400, "Sorry, there is a problem with your request", "Go back and try again.", exception
    )


def server_error(request):
    # Rendered without the request: if the database is what failed, context processors would fail too.
    from django.http import HttpResponseServerError
    from django.template.loader import render_to_string

    return HttpResponseServerError(
        render_to_string(
            "frontend/errors/error.html",
            {
                "title": "Sorry, there is a problem with the service",
                "message": "Try again later. Nothing you saved before this page was lost.",
                "status": 500,
            },
        )
    )
