from django.urls import path

from .views import case, contracts, provider

app_name = "interventions"

urlpatterns = [
    # The practitioner's pages, under the case.
    path("cases/<str:crn>/", case.services, name="case-services"),
    path("cases/<str:crn>/refer/", case.choose_service, name="choose-service"),
    path("cases/<str:crn>/refer/<int:contract_id>/", case.refer, name="refer"),
    path("cases/<str:crn>/referrals/<int:referral_id>/", case.referral_detail, name="referral"),
    path("cases/<str:crn>/referrals/<int:referral_id>/send/", case.send, name="send"),
    path("cases/<str:crn>/referrals/<int:referral_id>/change/", case.amend, name="amend"),
    path("cases/<str:crn>/referrals/<int:referral_id>/protective/", case.protective, name="protective"),
    path("cases/<str:crn>/referrals/<int:referral_id>/end/", case.withdraw, name="withdraw"),
    path("cases/<str:crn>/referrals/<int:referral_id>/replacement/", case.replacement, name="replacement"),
    path("cases/<str:crn>/referrals/<int:referral_id>/action-plans/<int:plan_id>/approve/", case.approve_plan,
         name="approve-plan"),
    path("cases/<str:crn>/transitions/add/", case.add_transition, name="add-transition"),
    path("cases/<str:crn>/transitions/<int:transition_id>/withdraw/", case.withdraw_transition,
         name="withdraw-transition"),
    # The provider's pages: their own organisation's referrals only.
    path("provider/", provider.home, name="provider-home"),
    path("provider/team/", provider.team, name="provider-team"),
    path("provider/team/<int:membership_id>/left/", provider.leaver, name="provider-leaver"),
    path("provider/referrals/<int:referral_id>/", provider.referral, name="provider-referral"),
    path("provider/referrals/<int:referral_id>/assign/", provider.assign, name="provider-assign"),
    path("provider/referrals/<int:referral_id>/assessment/", provider.assessment, name="provider-assessment"),
    path("provider/referrals/<int:referral_id>/action-plan/", provider.action_plan, name="provider-action-plan"),
    path("provider/referrals/<int:referral_id>/sessions/add/", provider.add_session, name="provider-add-session"),
    path("provider/referrals/<int:referral_id>/sessions/<int:session_id>/feedback/", provider.feedback,
         name="provider-feedback"),
    path("provider/referrals/<int:referral_id>/sessions/<int:session_id>/reschedule/", provider.reschedule_session,
         name="provider-reschedule"),
    path("provider/referrals/<int:referral_id>/end-of-service-report/", provider.end_of_service_report,
         name="provider-end-of-service-report"),
    # Contracts.
    path("contracts/", contracts.contract_list, name="contracts"),
    path("contracts/add/", contracts.add_contract, name="add-contract"),
    path("contracts/<int:contract_id>/", contracts.contract_detail, name="contract"),
    path("contracts/<int:contract_id>/status/", contracts.change_status, name="contract-status"),
]
