from django.urls import path

from linli.certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, name="certificate-list"),
    path("mine/", views.my_certificates, name="mine"),
    path("mine/<str:number>.pdf", views.my_certificate_document, name="mine-document"),
    path("<int:pk>/", views.certificate_detail, name="certificate-detail"),
    path("<int:pk>/document.pdf", views.certificate_document, name="certificate-document"),
]
