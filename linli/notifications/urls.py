from django.urls import path

from linli.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("badge/", views.notification_badge, name="notification-badge"),
    path("read-all/", views.notification_read_all, name="notification-read-all"),
    path("<int:pk>/open/", views.notification_open, name="notification-open"),
]
