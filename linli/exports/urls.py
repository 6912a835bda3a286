from django.urls import path

from linli.exports import views

app_name = "exports"

urlpatterns = [
    path("<int:pk>/", views.export_detail, name="export-detail"),
    path("<int:pk>/file", views.export_file, name="export-file"),
]
