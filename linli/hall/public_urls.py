from django.urls import path

from linli.hall import public_views

app_name = "matters"

urlpatterns = [
    path("", public_views.matter_list, name="matter-list"),
    path("mine/", public_views.mine, name="mine"),
    path("mine/<str:code>/", public_views.mine_detail, name="mine-detail"),
    path("mine/<str:code>/notice/", public_views.mine_notice, name="mine-notice"),
    path("mine/<str:code>/supplement/", public_views.mine_supplement, name="mine-supplement"),
    path("mine/<str:code>/pay/", public_views.mine_pay, name="mine-pay"),
    path("mine/<str:code>/withdraw/", public_views.mine_withdraw, name="mine-withdraw"),
    path("mine/<str:code>/rate/", public_views.mine_rate, name="mine-rate"),
    path("<slug:code>/", public_views.matter_guide, name="matter-guide"),
    path("<slug:code>/apply/", public_views.apply, name="apply"),
    path(
        "<slug:code>/templates/<int:pk>/",
        public_views.material_template,
        name="material-template",
    ),
]
