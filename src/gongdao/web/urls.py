from django.contrib.auth import views as auth_views
from django.urls import path

from gongdao.web import accounts, casepage, filing, lawpanel, selfhelp_views, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    # accounts
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", accounts.signup, name="signup"),
    path("account/", accounts.profile, name="profile"),
    path("account/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("language/", accounts.set_language, name="language"),
    path("password-reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="gongdao/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="gongdao/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("staff/reset-link/", accounts.issue_reset_link, name="reset_link"),
    # consumer lists
    path("cases/", views.case_list, name="cases"),
    path("orders/", views.order_list, name="orders"),
    # the guided path: where it starts, and a purchase made elsewhere (self-help mode)
    path("complain/", selfhelp_views.start, name="complain"),
    path("complain/declare/", selfhelp_views.declare, name="declare"),
    path("orders/<str:order_id>/complain/", filing.start, name="file_start"),
    path("file/<str:case_id>/issue/", filing.issue, name="file_issue"),
    path("file/<str:case_id>/evidence/", filing.evidence, name="file_evidence"),
    path("file/<str:case_id>/upload/", filing.upload, name="file_upload"),
    path("file/<str:case_id>/request/", filing.request_step, name="file_request"),
    path("file/<str:case_id>/check/", filing.check, name="file_check"),
    # the case page
    path("cases/<str:case_id>/", casepage.case_detail, name="case"),
    path("cases/<str:case_id>/act/<str:action>/", casepage.case_act, name="act"),
    path("cases/<str:case_id>/message/", casepage.case_message, name="message"),
    path("cases/<str:case_id>/record/<str:action>/", selfhelp_views.record, name="selfhelp_record"),
    path("cases/<str:case_id>/law/", lawpanel.law_facts, name="law_facts"),
    path("cases/<str:case_id>/law/ask/<str:code>/", lawpanel.law_ask, name="law_ask"),
]
