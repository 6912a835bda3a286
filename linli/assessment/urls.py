from django.urls import path

from linli.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.assessment_list, name="assessment-list"),
    path("new/", views.elder_pick, name="elder-pick"),
    path("new/<int:resident_pk>/", views.assessment_new, name="assessment-new"),
    path("<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("<int:pk>/report/", views.assessment_report, name="assessment-report"),
    path("<int:pk>/confirm/", views.assessment_confirm, name="assessment-confirm"),
    path("<int:pk>/withdraw/", views.assessment_withdraw, name="assessment-withdraw"),
    path("elder/<int:resident_pk>/", views.elder_panel, name="elder-panel"),
]
