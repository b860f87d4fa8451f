from django.urls import path

from gongdao.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("verify-dossier/", views.verify_page, name="verify"),
    path(".well-known/gongdao-signing-key.json", views.signing_key, name="signing_key"),
    path("cases/<str:case_id>/outside-help/", views.overview, name="case"),
    path("cases/<str:case_id>/outside-help/referrals/", views.record_referral, name="record_referral"),
    path(
        "cases/<str:case_id>/outside-help/referrals/<int:number>/",
        views.update_referral,
        name="update_referral",
    ),
    path("cases/<str:case_id>/outside-help/<str:target>/", views.target_page, name="target"),
    path("cases/<str:case_id>/outside-help/<str:target>/details/", views.save_details, name="details"),
    path("cases/<str:case_id>/outside-help/<str:target>/draft/", views.save_answers, name="draft"),
    path("cases/<str:case_id>/outside-help/<str:target>/download/", views.download, name="download"),
]
