from django.urls import path

from linli.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("live/stream", views.live_stream, name="live-stream"),
]
