"""The payer's pages, the demo provider's checkout and the providers' callbacks, at /pay/."""

from django.urls import path

from linli.payments import views

app_name = "pay"

urlpatterns = [
    path("", views.my_orders, name="mine"),
    path("notify/<slug:code>/", views.notify, name="notify"),
    path("demo/<slug:out_trade_no>/", views.demo_checkout, name="demo-checkout"),
    path("<slug:out_trade_no>/", views.pay, name="order"),
    path("<slug:out_trade_no>/go/", views.pay_go, name="go"),
    path("<slug:out_trade_no>/cancel/", views.pay_cancel, name="cancel"),
]
