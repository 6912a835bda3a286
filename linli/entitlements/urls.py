from django.urls import path

from linli.entitlements import views

app_name = "entitlements"

urlpatterns = [
    path("", views.grant_list, name="grant-list"),
    path("grants/<int:pk>/", views.grant_detail, name="grant-detail"),
    path("grants/<int:pk>/end/", views.grant_end, name="grant-end"),
    path("grants/<int:pk>/keep/", views.grant_keep, name="grant-keep"),
    path("residents/<int:resident_pk>/grant/", views.grant_create, name="grant-create"),
    path(
        "residents/<int:resident_pk>/certificate/",
        views.certificate_create,
        name="certificate-create",
    ),
    path("residents/<int:pk>/panel/", views.elder_panel, name="elder-panel"),
    path("kinds/", views.kind_list, name="kind-list"),
    path("kinds/<int:pk>/", views.kind_edit, name="kind-edit"),
    path("kinds/<int:pk>/rules/", views.rule_create, name="rule-create"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("unserved/", views.unserved, name="unserved"),
    path("unserved/export/", views.unserved_export, name="unserved-export"),
    path("veterans/", views.veteran_list, name="veteran-list"),
    path("veterans/<int:pk>/", views.veteran_detail, name="veteran-detail"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/task/<str:ref>/", views.campaign_task, name="campaign-task"),
    path(
        "campaigns/<int:pk>/verifications/<int:verification_pk>/",
        views.verification_record,
        name="verification-record",
    ),
]
