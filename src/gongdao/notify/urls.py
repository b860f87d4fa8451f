from django.urls import path

from gongdao.notify import views

app_name = "notify"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.read_all, name="read_all"),
    path("inbox/preferences/", views.preference_page, name="preferences"),
    path("inbox/<str:notice_id>/", views.open_notice, name="open"),
    path("inbox/<str:notice_id>/read/", views.read, name="read"),
    path("unsubscribe/<str:token>/", views.unsubscribe_page, name="unsubscribe"),
]
