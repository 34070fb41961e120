from django.urls import path

from . import views

app_name = "caseload"

urlpatterns = [
    path("", views.my_caseload, name="mine"),
    path("team/", views.team_caseload, name="team"),
]
