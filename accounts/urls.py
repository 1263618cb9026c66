from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import lockouts, views

app_urls = [
    path("manage/", views.account_list, name="list"),
    path("manage/new/", views.account_create, name="create"),
    path("manage/<int:pk>/", views.account_detail, name="detail"),
    path("manage/<int:pk>/edit/", views.account_edit, name="edit"),
    path("manage/<int:pk>/password/", views.account_password, name="reset_password"),
    path("manage/<int:pk>/active/", views.account_active, name="active"),
    path("manage/<int:pk>/grant/", views.account_grant, name="grant"),
    path("manage/grants/<int:pk>/revoke/", views.grant_revoke, name="revoke"),
]

urlpatterns = [
    path("login/", lockouts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
         name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("", include((app_urls, "accounts"))),  # 账号管理: accounts:list, accounts:detail, ...
    path("lockouts/", lockouts.lockouts, name="lockouts"),
    path("lockouts/lift/", lockouts.lockout_lift, name="lockout_lift"),
]
