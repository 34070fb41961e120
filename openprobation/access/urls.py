"""Access pages outside a case, mounted under /access/."""

from django.urls import path

from .views import pages

app_name = "access"

urlpatterns = [
    path("inspections/", pages.inspections, name="inspections"),
    path("inspections/add/", pages.add_inspection, name="add-inspection"),
    path("inspections/<int:sample_id>/", pages.inspection, name="inspection"),
    path("inspections/<int:sample_id>/end/", pages.end_inspection, name="end-inspection"),
    path("shared-with-me/", pages.shared_with_me, name="shared-with-me"),
]
