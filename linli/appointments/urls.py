from django.urls import path

from linli.appointments import views

app_name = "appointments"

urlpatterns = [
    path("my/", views.my_appointments, name="my"),
    path("book/", views.book, name="book"),
    path("book/<int:pk>/", views.book_slot, name="book-slot"),
    path("my/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("my/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("my/<int:pk>/calendar.ics", views.calendar, name="calendar"),
    path("centres/", views.centre_list, name="centre-list"),
    path("centres/new/", views.centre_create, name="centre-create"),
    path("centres/<int:pk>/", views.centre_detail, name="centre-detail"),
    path("centres/<int:pk>/queues/", views.queue_create, name="queue-create"),
    path("centres/<int:pk>/windows/", views.window_create, name="window-create"),
    path("centres/<int:pk>/slots/", views.slots_create, name="slots-create"),
    path("centres/<int:pk>/closures/", views.closure_create, name="closure-create"),
    path("centres/<int:pk>/kiosk/", views.kiosk, name="kiosk"),
    path("centres/<int:pk>/screen/", views.call_screen, name="call-screen"),
    path("centres/<int:pk>/terminals/", views.terminal_create, name="terminal-create"),
    path("terminals/<int:pk>/token/", views.terminal_token_rotate, name="terminal-token-rotate"),
    path("terminals/<int:pk>/retire/", views.terminal_retire, name="terminal-retire"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("windows/<int:pk>/", views.window_caller, name="window-caller"),
    path("windows/<int:pk>/next/", views.window_next, name="window-next"),
    path("windows/<int:window_pk>/call/<int:pk>/", views.ticket_call, name="ticket-call"),
    path("tickets/<int:pk>/recall/", views.ticket_recall, name="ticket-recall"),
    path("tickets/<int:pk>/finish/", views.ticket_finish, name="ticket-finish"),
    path("tickets/<int:pk>/skip/", views.ticket_skip, name="ticket-skip"),
    path("tickets/<int:pk>/transfer/", views.ticket_transfer, name="ticket-transfer"),
]
