from django.urls import path

from gongdao.selfhelp import association_views, views

app_name = "selfhelp"
urlpatterns = [
    # the link a merchant receives
    path("invite/<str:token>/", views.invitation, name="invite"),
    # the case page's panels
    path("cases/<str:case_id>/invitations/", views.create_invitation, name="invite_create"),
    path(
        "cases/<str:case_id>/invitations/<str:invitation_id>/email/",
        views.email_invitation,
        name="invite_email",
    ),
    path(
        "cases/<str:case_id>/invitations/<str:invitation_id>/revoke/",
        views.revoke_invitation,
        name="invite_revoke",
    ),
    path("cases/<str:case_id>/authorizations/", views.authorize, name="authorize"),
    path(
        "cases/<str:case_id>/authorizations/<str:authorization_id>/revoke/",
        views.revoke_authorization,
        name="authorization_revoke",
    ),
    # consumer associations
    path("association/", association_views.home, name="association"),
    path("association/start/", association_views.start, name="association_start"),
]
