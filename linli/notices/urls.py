from django.urls import path

from linli.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<int:pk>/", views.topic_rename, name="topic-rename"),
    path("topics/<int:pk>/active/", views.topic_active, name="topic-active"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/edit/", views.notice_edit, name="edit"),
    path("<int:pk>/<slug:step>/", views.notice_move, name="move"),
    path("images/<int:pk>/", views.notice_image, name="image"),
    path("attachments/<int:pk>/", views.notice_attachment, name="attachment"),
    path("for-me/", views.for_me, name="for-me"),
    path("for-me/<int:pk>/", views.read, name="read"),
    path("for-me/home-block/", views.home_block, name="home-block"),
    path("for-me/topics/", views.topics, name="topics"),
]
