from django.urls import path

from . import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.board, name="board"),
    path("<int:pk>/", public_views.notice_page, name="notice"),
    path("<int:pk>/objection/", public_views.objection, name="objection"),
]
