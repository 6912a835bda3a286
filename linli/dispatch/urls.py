from django.urls import path

from linli.dispatch import views

app_name = "dispatch"

urlpatterns = [
    path("", views.board, name="board"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/answer/", views.call_answer, name="call-answer"),
    path("calls/<int:pk>/contact/", views.call_contact, name="call-contact"),
    path("calls/<int:pk>/send/", views.call_send, name="call-send"),
    path("calls/<int:pk>/arrive/", views.call_arrive, name="call-arrive"),
    path("calls/<int:pk>/escalate/", views.call_escalate, name="call-escalate"),
    path("calls/<int:pk>/close/", views.call_close, name="call-close"),
    path("visits/", views.return_visits, name="return-visits"),
    path("visits/<int:pk>/record/", views.return_visit_record, name="return-visit-record"),
    path("care/", views.care_calls, name="care-calls"),
    path("care/<int:pk>/record/", views.care_call_record, name="care-call-record"),
    path("responders/", views.responders, name="responders"),
    path("responders/new/", views.responder_new, name="responder-new"),
    path("responders/<int:pk>/duty/", views.responder_duty, name="responder-duty"),
]
