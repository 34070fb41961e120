from django.urls import path

from . import views

app_name = "sentence"

urlpatterns = [
    path("", views.sentence, name="index"),
    path("record/", views.record_sentence, name="record"),
    path("<int:sentence_id>/requirements/add/", views.add_requirement, name="add-requirement"),
    path("<int:sentence_id>/end/", views.terminate, name="terminate"),
]
