from django.urls import path

from linli.alerts import views

app_name = "cap"

urlpatterns = [
    path("feed.atom", views.feed, name="feed"),
    path("alerts/<int:pk>.xml", views.public_xml, name="alert-xml"),
    path("alerts/<int:pk>/", views.public_alert, name="alert"),
]
