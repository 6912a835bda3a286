from django.urls import path

from linli.gridwork import views

app_name = "gridwork"

urlpatterns = [
    path("", views.home, name="home"),
    path("patrols/", views.patrol_list, name="patrol-list"),
    path("patrols/start/", views.patrol_start, name="patrol-start"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol-detail"),
    path("patrols/<int:pk>/check-in/", views.patrol_check_in, name="patrol-check-in"),
    path("patrols/<int:pk>/end/", views.patrol_end, name="patrol-end"),
    path("c/<str:token>/", views.checkpoint_scan, name="checkpoint-scan"),
    path("checkpoints/", views.checkpoint_list, name="checkpoint-list"),
    path("checkpoints/<int:pk>/qr/", views.checkpoint_qr, name="checkpoint-qr"),
    path("checkpoints/<int:pk>/off/", views.checkpoint_deactivate, name="checkpoint-deactivate"),
    path("routes/", views.route_list, name="route-list"),
    path("routes/<int:pk>/end/", views.route_end, name="route-end"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/new/<int:household_pk>/", views.visit_record, name="visit-record"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<int:pk>/close/", views.task_close, name="task-close"),
    path("households/<int:household_pk>/visits/", views.household_visits, name="household-visits"),
]
