from django.urls import path

from gongdao.evidence import views

app_name = "evidence"
urlpatterns = [
    path("case/<str:case_id>/upload", views.upload, name="upload"),
    path("<str:item_id>/content", views.content, name="content"),
    # The same view under the name the case page's templates use.
    path("<str:item_id>/content", views.content, name="file"),
    path("<str:item_id>/thumbnail", views.thumbnail, name="thumbnail"),
    path("<str:item_id>/receipt", views.receipt, name="receipt"),
]
