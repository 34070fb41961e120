from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.my_alerts, name="mine"),
    path("team/", views.team_alerts, name="team"),
    path("<int:alert_id>/", views.alert_detail, name="detail"),
]
