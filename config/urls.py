from django.contrib import admin
from django.urls import include, path


def _superuser_only(request):
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superuser_only
admin.site.site_header = "党员管理系统 · 超级管理员后台"

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("branches.urls")),
    path("members/", include("members.urls")),
    path("ratings/", include("ratings.urls")),
    path("pilots/", include("pilots.urls")),
    path("investigation/", include("investigation.urls")),
    path("public/", include("ratings.public_urls")),  # the public board: no login, printed on the notice
    path("django-admin/", admin.site.urls),
]
