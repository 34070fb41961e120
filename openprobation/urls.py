from django.urls import include, path

from openprobation.people import views as people_views
from openprobation.staff import auth_views
from openprobation.staff import views as staff_views

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("sign-in/", auth_views.sign_in, name="sign-in"),
    path("sign-out/", auth_views.sign_out, name="sign-out"),
    path("", include("openprobation.staff.urls_auth")),
    path("caseload/", include("openprobation.staff.urls")),
    path("search/", include("openprobation.people.search_urls")),
    path("people/add/", people_views.add_person, name="add-person"),
    path("cases/<str:crn>/", include("openprobation.people.urls")),
    path("cases/<str:crn>/sentence/", include("openprobation.sentences.urls")),
    path("cases/<str:crn>/", include("openprobation.supervision.urls")),
    path("cases/<str:crn>/", include("openprobation.access.case_urls")),
    path("cases/<str:crn>/", include("openprobation.audit.case_urls")),
    path("access/", include("openprobation.access.urls")),
    path("attention/", include("openprobation.alerts.urls")),
    path("services/", include("openprobation.interventions.urls")),
    path("assessments/", include("openprobation.assessments.urls")),
    path("protection/", include("openprobation.protection.urls")),
    path("audit/", include("openprobation.audit.urls")),
]

handler404 = "openprobation.frontend.views.not_found"
handler500 = "openprobation.frontend.views.server_error"
handler403 = "openprobation.frontend.views.forbidden"
handler400 = "openprobation.frontend.views.bad_request"
