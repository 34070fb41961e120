from django.urls import path

from .views import plan, reports, requests, risk

app_name = "assessments"

urlpatterns = [
    path("<str:crn>/", risk.index, name="index"),
    path("<str:crn>/start/", risk.start, name="start"),
    path("<str:crn>/tier/", risk.tier_history, name="tier"),
    path("<str:crn>/other/add/", reports.add_external, name="add-external"),
    path("<str:crn>/other/<int:report_id>/set-aside/", reports.set_aside_external, name="set-aside-external"),
    path("<str:crn>/reconcile/", reports.reconcile, name="reconcile"),
    path("<str:crn>/<int:number>/", risk.assessment, name="assessment"),
    path("<str:crn>/<int:number>/risk-of-serious-harm/", risk.edit_rosh, name="edit-rosh"),
    path("<str:crn>/<int:number>/risk-to-self/", risk.edit_risk_to_self, name="edit-risk-to-self"),
    path("<str:crn>/<int:number>/needs/<str:code>/", risk.edit_need, name="edit-need"),
    path("<str:crn>/<int:number>/predictors/", risk.edit_predictors, name="edit-predictors"),
    path("<str:crn>/<int:number>/predictors/ogrs3/", risk.calculate_ogrs3, name="ogrs3"),
    path("<str:crn>/<int:number>/complete/", risk.complete, name="complete"),
    path("<str:crn>/<int:number>/countersign/", risk.countersign, name="countersign"),
    path("<str:crn>/plan/", plan.plan, name="plan"),
    path("<str:crn>/plan/goals/add/", plan.add_goal, name="add-goal"),
    path("<str:crn>/plan/goals/<int:goal_id>/", plan.edit_goal, name="edit-goal"),
    path("<str:crn>/plan/goals/<int:goal_id>/status/", plan.goal_status, name="goal-status"),
    path("<str:crn>/plan/goals/<int:goal_id>/steps/add/", plan.add_step, name="add-step"),
    path("<str:crn>/plan/steps/<int:step_id>/", plan.edit_step, name="edit-step"),
    path("<str:crn>/plan/agree/", plan.agree, name="agree"),
    path("<str:crn>/plan/review/", plan.review, name="review"),
    path("<str:crn>/plan/versions/<int:number>/", plan.plan_version, name="plan-version"),
    path("<str:crn>/requests/add/", requests.add_request, name="add-request"),
    path("<str:crn>/requests/<int:request_id>/", requests.request_detail, name="request"),
]
