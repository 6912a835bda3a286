from django.urls import path

from linli.alerts import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="alert-list"),
    path("new/", views.alert_create, name="alert-create"),
    path("drill/", views.alert_drill, name="alert-drill"),
    path("import/", views.alert_import, name="alert-import"),
    path("places/", views.place_list, name="place-list"),
    path("places/new/", views.place_create, name="place-create"),
    path("places/<int:pk>/edit/", views.place_edit, name="place-edit"),
    path("<int:pk>/", views.alert_detail, name="alert-detail"),
    path("<int:pk>/cap.xml", views.alert_xml, name="alert-xml"),
    path("<int:pk>/edit/", views.alert_edit, name="alert-edit"),
    path("<int:pk>/issue/", views.alert_issue, name="alert-issue"),
    path("<int:pk>/update/", views.alert_update, name="alert-update"),
    path("<int:pk>/cancel/", views.alert_cancel, name="alert-cancel"),
]
