from django.urls import path

from linli.screens import views

app_name = "screens"

urlpatterns = [
    path("", views.screen_list, name="screen-list"),
    path("new/", views.screen_create, name="screen-create"),
    path("<int:pk>/", views.screen_detail, name="screen-detail"),
    path("<int:pk>/edit/", views.screen_edit, name="screen-edit"),
    path("<int:pk>/token/", views.screen_token_rotate, name="screen-token-rotate"),
    path("<int:pk>/retire/", views.screen_retire, name="screen-retire"),
    path("playlists/", views.playlist_list, name="playlist-list"),
    path("playlists/<int:pk>/", views.playlist_detail, name="playlist-detail"),
    path("playlists/<int:pk>/delete/", views.playlist_delete, name="playlist-delete"),
    path("playlists/<int:pk>/items/", views.item_add, name="item-add"),
    path("items/<int:pk>/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/move/", views.item_move, name="item-move"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("channels/", views.channel_list, name="channel-list"),
    path("channels/<int:pk>/", views.channel_detail, name="channel-detail"),
    path("channels/<int:pk>/programmes/", views.programme_add, name="programme-add"),
    path("programmes/<int:pk>/delete/", views.programme_delete, name="programme-delete"),
    path("forecasts/", views.forecast_list, name="forecast-list"),
    path("forecasts/<int:pk>/delete/", views.forecast_delete, name="forecast-delete"),
]
