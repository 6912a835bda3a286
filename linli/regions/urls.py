from django.urls import path

from linli.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/grids/new/", views.grid_create, name="grid-create"),
    path("<str:code>/edit/", views.grid_edit, name="grid-edit"),
    path("<str:code>/retire/", views.grid_retire, name="grid-retire"),
]
