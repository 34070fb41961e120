from django.urls import path

from .views import activity, appointments

app_name = "supervision"

urlpatterns = [
    path("appointments/", appointments.appointment_list, name="appointments"),
    path("appointments/arrange/", appointments.arrange, name="arrange"),
    path("appointments/<int:contact_id>/", appointments.appointment_detail, name="appointment"),
    path("appointments/<int:contact_id>/reschedule/", appointments.reschedule, name="reschedule"),
    path("appointments/<int:contact_id>/outcome/", appointments.record_outcome, name="outcome"),
    path("appointments/<int:contact_id>/enforcement/", appointments.enforcement, name="enforcement"),
    path("contacts/<int:contact_id>/notes/add/", appointments.add_note, name="add-note"),
    path("contacts/add/", appointments.add_contact, name="add-contact"),
    path("activity-log/", activity.activity_log, name="activity-log"),
    path("compliance/", activity.compliance, name="compliance"),
]
