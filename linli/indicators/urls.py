from django.urls import path

from linli.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.table, name="table"),
]
