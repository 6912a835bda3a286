from django.urls import path

from linli.devices import views

app_name = "devices"

urlpatterns = [
    path("", views.device_list, name="device-list"),
    path("new/", views.device_create, name="device-create"),
    path("export/", views.device_export, name="device-export"),
    path("import/", views.device_import, name="device-import"),
    path("import/template/", views.device_import_template, name="device-import-template"),
    path("<int:pk>/", views.device_detail, name="device-detail"),
    path("<int:pk>/edit/", views.device_edit, name="device-edit"),
    path("<int:pk>/token/", views.device_token_rotate, name="device-token-rotate"),
    path("<int:pk>/retire/", views.device_retire, name="device-retire"),
    path("<int:pk>/rules/new/", views.device_rule_create, name="device-rule-create"),
    path("alarms/", views.alarm_list, name="alarm-list"),
    path("alarms/<int:pk>/", views.alarm_detail, name="alarm-detail"),
    path("alarms/<int:pk>/acknowledge/", views.alarm_acknowledge, name="alarm-acknowledge"),
    path("alarms/<int:pk>/clear/", views.alarm_clear, name="alarm-clear"),
    path("alarms/<int:pk>/comment/", views.alarm_comment, name="alarm-comment"),
    path("alarms/<int:pk>/assign/", views.alarm_assign, name="alarm-assign"),
    path("rules/<int:pk>/", views.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule-delete"),
    path("profiles/", views.profile_list, name="profile-list"),
    path("profiles/new/", views.profile_create, name="profile-create"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile-detail"),
    path("profiles/<int:pk>/delete/", views.profile_delete, name="profile-delete"),
    path("profiles/<int:pk>/keys/", views.profile_key_create, name="profile-key-create"),
    path("profiles/<int:pk>/rules/new/", views.profile_rule_create, name="profile-rule-create"),
    path("keys/<int:pk>/", views.profile_key_edit, name="profile-key-edit"),
    path("keys/<int:pk>/delete/", views.profile_key_delete, name="profile-key-delete"),
    path("alarm-types/", views.alarm_type_list, name="alarm-type-list"),
    path("alarm-types/new/", views.alarm_type_create, name="alarm-type-create"),
    path("alarm-types/<int:pk>/", views.alarm_type_edit, name="alarm-type-edit"),
    path("notification-rules/", views.notification_rule_list, name="notification-rule-list"),
    path(
        "notification-rules/<int:pk>/",
        views.notification_rule_edit,
        name="notification-rule-edit",
    ),
    path(
        "notification-rules/<int:pk>/delete/",
        views.notification_rule_delete,
        name="notification-rule-delete",
    ),
    path(
        "buildings/<int:building_pk>/rules/new/",
        views.building_rule_create,
        name="building-rule-create",
    ),
    path("buildings/<int:building_pk>/panel/", views.building_panel, name="building-panel"),
    path("regions/<str:code>/panel/", views.region_panel, name="region-panel"),
]
