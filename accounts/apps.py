from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self):
        from core import audit

        from . import lockouts, services  # noqa: F401  (lockouts: audits each login lock, a signal receiver)
        from .models import User

        audit.register_label(User, services.GRANTS, "授权")
        audit.register_label(User, services.PASSWORD, "密码")
        audit.register_label(User, services.DELETED, "账号已删除")
        audit.register_page(User, "accounts:detail")
