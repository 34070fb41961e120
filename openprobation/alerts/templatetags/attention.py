"""Navigation items of the services and alerts: "Needs your attention", a provider's referrals, a contract
manager's contracts."""

from django import template

from openprobation.staff.models import Role

register = template.Library()

# Roles that hold or oversee cases, and so own alerts.
ALERT_ROLES = frozenset({Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER, Role.SENIOR_PROBATION_OFFICER,
                         Role.CASE_ADMINISTRATOR})
ATTENTION = "/attention/"
PROVIDER_HOME = "/services/provider/"
CONTRACTS = "/services/contracts/"


@register.simple_tag(takes_context=True)
def attention_navigation(context):
    """Extra navigation items for the signed-in user: [{"text", "href", "active"}]. No query.

    The number of open alerts is shown on the "Needs your attention" page itself, not here: a count in
    the navigation would add a query to every page, over the fixed query budgets of the case pages.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or getattr(user, "pk", None) is None:
        return []
    path = getattr(request, "path", "")
    if user.role == Role.PROVIDER:
        if context.get("service_navigation") is not None:
            return []  # the provider pages bring their own navigation
        return [{"text": "Referrals", "href": PROVIDER_HOME, "active": path.startswith(PROVIDER_HOME)}]
    if user.role == Role.ADMIN:
        return [{"text": "Contracts", "href": CONTRACTS, "active": path.startswith(CONTRACTS)}]
    if user.role not in ALERT_ROLES:
        return []
    return [{"text": "Needs your attention", "href": ATTENTION, "active": path.startswith(ATTENTION)}]
