from django.urls import path

from linli.homecare import views

app_name = "homecare"

urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("book/", views.order_book, name="order-book"),
    path("<int:pk>/", views.order_detail, name="order-detail"),
    path("<int:pk>/assign/", views.order_assign, name="order-assign"),
    path("<int:pk>/cancel/", views.order_cancel, name="order-cancel"),
    path("<int:pk>/confirm/", views.order_confirm, name="order-confirm"),
    path("<int:pk>/complain/", views.order_complain, name="order-complain"),
    path("<int:pk>/pay/", views.order_pay, name="order-pay"),
    path("<int:pk>/photo/", views.order_photo, name="order-photo"),
    path("today/", views.worker_today, name="worker-today"),
    path("today/<int:pk>/check-in/", views.worker_check_in, name="worker-check-in"),
    path("today/<int:pk>/check-out/", views.worker_check_out, name="worker-check-out"),
    path("family/", views.family, name="family"),
    path("family/elders/<int:pk>/book/", views.family_book, name="family-book"),
    path("family/<int:pk>/confirm/", views.family_confirm, name="family-confirm"),
    path("family/<int:pk>/cancel/", views.family_cancel, name="family-cancel"),
    path("family/<int:pk>/complain/", views.family_complain, name="family-complain"),
    path("providers/", views.provider_list, name="provider-list"),
    path("providers/<int:pk>/", views.provider_detail, name="provider-detail"),
    path("providers/<int:pk>/items/", views.provider_item, name="provider-item"),
    path("providers/<int:pk>/areas/", views.provider_areas, name="provider-areas"),
    path("settlements/", views.settlement_list, name="settlement-list"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement-detail"),
    path("settlements/<int:pk>/xlsx/", views.settlement_xlsx, name="settlement-xlsx"),
    path("panels/elder/<int:pk>/", views.elder_panel, name="elder-panel"),
    path("panels/today/<int:pk>/", views.today_panel, name="today-panel"),
]
