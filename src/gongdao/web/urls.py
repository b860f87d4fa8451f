from django.contrib.auth import views as auth_views
from django.urls import path

from gongdao.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="gongdao/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<str:case_id>/", views.case_detail, name="case"),
    path("cases/<str:case_id>/act/<str:action>/", views.case_act, name="act"),
    path("cases/<str:case_id>/message/", views.case_message, name="message"),
]
