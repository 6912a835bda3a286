from django.urls import path

from linli.care import views

app_name = "care"

urlpatterns = [
    path("elders/", views.elder_list, name="elder-list"),
    path("elders/<int:pk>/", views.elder_detail, name="elder-detail"),
    path("elders/<int:pk>/edit/", views.elder_edit, name="elder-edit"),
    path("elders/<int:pk>/reveal/", views.elder_reveal, name="elder-reveal"),
    path("elders/<int:pk>/contacts/", views.contact_add, name="contact-add"),
    path("elders/<int:pk>/consents/", views.consent_give, name="consent-give"),
    path("elders/<int:pk>/card/", views.elder_card, name="elder-card"),
    path("calls/<int:pk>/card/", views.call_card, name="call-card"),
    path("elders/<int:pk>/registry/", views.resident_panel, name="resident-panel"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact-remove"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent-revoke"),
    path("home/", views.kiosk, name="kiosk"),
    path("home/call/", views.kiosk_call, name="kiosk-call"),
    path("family/", views.family_home, name="family"),
    path("family/<int:pk>/", views.family_elder, name="family-elder"),
]
