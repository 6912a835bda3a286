from django.urls import path

from linli.core import live, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("text-size/", views.text_size, name="text-size"),
    path(live.PATH.lstrip("/"), views.live_stream, name="live-stream"),  # ASGI: linli/asgi.py
]
