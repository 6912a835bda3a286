from django.urls import path

from linli.payments import views

app_name = "payments"

urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("export/", views.order_export, name="order-export"),
    path("reconciliations/", views.reconciliation_list, name="reconciliation-list"),
    path("reconciliations/run/", views.reconcile, name="reconcile"),
    path("<int:pk>/", views.order_detail, name="order-detail"),
    path("<int:pk>/cancel/", views.order_cancel, name="order-cancel"),
    path("<int:pk>/refund/", views.order_refund, name="order-refund"),
]
