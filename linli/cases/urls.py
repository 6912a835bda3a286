from django.urls import path

from linli.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_inbox, name="case-inbox"),
    path("new/", views.case_report, name="case-report"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    *(
        path(f"<int:pk>/{step}/", views.case_step, {"step": step}, name=f"case-{step}")
        for step in views.STEP_LABELS
    ),
]
