"""The pages screens and TV boxes show (linli/screens/display.py), at /screen/ and /tv/."""

from django.urls import path

from linli.screens import display

app_name = "screens-display"

urlpatterns = [
    path("screen/", display.screen_page, name="screen"),
    path("screen/signin/", display.signin, name="signin"),
    path("screen/sw.js", display.service_worker, name="service-worker"),
    path("screen/content/", display.screen_content, name="screen-content"),
    path("screen/alerts/", display.alerts_fragment, name="alerts"),
    path("screen/heartbeat/", display.heartbeat, name="heartbeat"),
    path("screen/images/<int:pk>/", display.image, name="image"),
    path("tv/", display.tv_home, name="tv-home"),
    path("tv/<int:number>/", display.tv_channel, name="tv-channel"),
    path("tv/<int:number>/items/", display.tv_items, name="tv-items"),
    path("tv/<int:number>/<int:pk>/", display.tv_notice, name="tv-notice"),
]
