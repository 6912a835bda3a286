"""The public side, mounted at /c/ (short, for QR codes): the verification page and the
published keys."""

from django.urls import path

from linli.certificates import views

app_name = "certificate-public"

urlpatterns = [
    path("keys", views.public_keys, name="keys"),
    path("keys.json", views.public_keys_json, name="keys-json"),
    path("<str:number>/<str:signature>", views.verify, name="verify"),
]
