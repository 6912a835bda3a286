from django.urls import path

from linli.registry import ledger_views, views

app_name = "registry"

urlpatterns = [
    path("", views.resident_list, name="resident-list"),
    path("search/", views.resident_search, name="resident-search"),
    path("residents/<int:pk>/", views.resident_detail, name="resident-detail"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident-reveal"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("residents/<int:pk>/labels/", views.resident_labels, name="resident-labels"),
    path(
        "residents/<int:pk>/move-out/",
        views.resident_leave,
        {"event": "move-out"},
        name="resident-move-out",
    ),
    path(
        "residents/<int:pk>/death/", views.resident_leave, {"event": "death"}, name="resident-death"
    ),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
    path("households/<int:pk>/verify/", views.household_verify, name="household-verify"),
    path("households/<int:pk>/split/", views.household_split, name="household-split"),
    path("households/<int:pk>/merge/", views.household_merge, name="household-merge"),
    path("houses/<int:house_pk>/households/", views.household_create, name="household-create"),
    path("buildings/", views.building_list, name="building-list"),
    path("buildings/<int:pk>/", views.building_detail, name="building-detail"),
    path("freshness/", views.freshness, name="freshness"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("people/<int:pk>/acts-for/", views.user_affiliations, name="user-affiliations"),
    path("export/", ledger_views.ledger_export, name="ledger-export"),
    path("import/", ledger_views.ledger_import, name="ledger-import"),
    path("import/template.xlsx", ledger_views.ledger_template, name="ledger-template"),
    path("import/<int:pk>/", ledger_views.ledger_import_detail, name="ledger-import-detail"),
    path("import/<int:pk>/errors.xlsx", ledger_views.ledger_import_errors, name="ledger-errors"),
    path(
        "import/<int:pk>/valid-rows/",
        ledger_views.ledger_import_valid_rows,
        name="ledger-import-valid-rows",
    ),
    path("import/<int:pk>/discard/", ledger_views.ledger_import_discard, name="ledger-discard"),
]
