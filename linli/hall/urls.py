from django.urls import path

from linli.hall import views

app_name = "hall"

urlpatterns = [
    path("", views.application_list, name="application-list"),
    path("desk/", views.desk, name="desk"),
    path("matters/", views.matter_list, name="matter-manage-list"),
    path("matters/new/", views.matter_new, name="matter-new"),
    path("matters/<slug:code>/", views.matter_edit, name="matter-edit"),
    path("matters/<slug:code>/delete/", views.matter_delete, name="matter-delete"),
    path("desk/<slug:code>/", views.desk_apply, name="desk-apply"),
    path("<int:pk>/", views.application_detail, name="application-detail"),
    path("<int:pk>/notice/", views.application_notice, name="application-notice"),
    path("<int:pk>/accept/", views.application_accept, name="application-accept"),
    path("<int:pk>/incomplete/", views.application_incomplete, name="application-incomplete"),
    path("<int:pk>/refuse/", views.application_refuse, name="application-refuse"),
    path("<int:pk>/supplement/", views.application_supplement, name="application-supplement"),
    path(
        "<int:pk>/supplement-request/",
        views.application_request_supplement,
        name="application-request-supplement",
    ),
    path("<int:pk>/steps/<int:step_pk>/done/", views.step_done, name="step-done"),
    path("<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("<int:pk>/pay/", views.application_pay, name="application-pay"),
    path("<int:pk>/deliver/", views.application_deliver, name="application-deliver"),
    path("<int:pk>/materials/<int:material_pk>/", views.material_file, name="material-file"),
]
