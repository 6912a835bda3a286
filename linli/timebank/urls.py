from django.urls import path

from linli.timebank import views

app_name = "timebank"

urlpatterns = [
    path("", views.account_list, name="account-list"),
    path("mine/", views.mine, name="mine"),
    path("earn/", views.earn, name="earn"),
    path("accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("accounts/<int:pk>/transfer/", views.transfer, name="transfer"),
    path("entries/<int:pk>/reverse/", views.entry_reverse, name="entry-reverse"),
    path("elders/<int:resident_pk>/", views.elder_panel, name="elder-panel"),
]
