"""The pages of a centre's terminals (linli/appointments/terminal.py), at /hall-terminal/."""

from django.urls import path

from linli.appointments import terminal

app_name = "appointments-terminal"

urlpatterns = [
    path("", terminal.home, name="home"),
    path("signin/", terminal.signin, name="signin"),
    path("kiosk/", terminal.kiosk, name="kiosk"),
    path("tickets/<int:pk>/", terminal.ticket, name="ticket"),
    path("screen/", terminal.screen, name="screen"),
]
