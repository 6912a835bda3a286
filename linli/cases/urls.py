from django.urls import path

from linli.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_inbox, name="case-inbox"),
    path("new/", views.case_report, name="case-report"),
    path("map/", views.case_map, name="case-map"),
    path("settings/", views.case_settings, name="case-settings"),
    path("settings/categories/<int:pk>/", views.category_limits, name="category-limits"),
    path(
        "settings/categories/<int:pk>/questions/",
        views.category_questions,
        name="category-questions",
    ),
    path("settings/rules/", views.rule_create, name="rule-create"),
    path("settings/rules/<int:pk>/off/", views.rule_deactivate, name="rule-deactivate"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/photos/", views.case_photo_add, name="case-photo-add"),
    path("<int:pk>/support/", views.case_support, name="case-support"),
    path("<int:pk>/photos/<int:photo_pk>/", views.case_photo, name="case-photo"),
    *(
        path(f"<int:pk>/{step}/", views.case_step, {"step": step}, name=f"case-{step}")
        for step in views.STEP_LABELS
    ),
]
