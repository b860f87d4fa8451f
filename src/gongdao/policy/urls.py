from django.urls import path

from gongdao.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.rules, name="rules"),
]
