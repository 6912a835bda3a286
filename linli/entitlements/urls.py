from django.urls import path

app_name = "entitlements"
urlpatterns: list = []
