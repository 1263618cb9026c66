"""The Django admin (superusers only). Its changes are audited like the app's: the hooks below
record each save, grant change, password change and deletion in core.audit, inside the admin's
own transaction."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from core import audit

from . import services
from .models import Grant, User


class GrantInline(admin.TabularInline):
    model = Grant
    extra = 0
    fields = ("role", "organization")
    raw_id_fields = ("organization",)
    verbose_name = verbose_name_plural = "授权（角色与党组织）"


@admin.register(User)
class CountyUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("岗位", {"fields": ("display_name", "phone")}),)
    list_display = ("username", "display_name", "grants_label", "is_active")
    list_filter = ("grants__role", "is_active")
    search_fields = ("username", "display_name")
    inlines = [GrantInline]

    @admin.display(description="授权")
    def grants_label(self, obj):
        return obj.grants_label

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("grants__organization")

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = services.account_snapshot(User.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        request.audit_grants_before = services.grants_text(obj) if change else ""
        services.record_account(request.user, obj, audit.Action.UPDATE if change else audit.Action.CREATE,
                                before=before, reason="系统后台修改" if change else "系统后台新建")

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Grant:
            services.record_account(request.user, form.instance, audit.Action.UPDATE,
                                    grants_before=getattr(request, "audit_grants_before", ""),
                                    reason="系统后台修改授权")

    def delete_model(self, request, obj):
        services.record_deletion(request.user, obj, reason="系统后台删除账号")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.record_deletion(request.user, obj, reason="系统后台删除账号")
        super().delete_queryset(request, queryset)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if request.path.rstrip("/").endswith("/password") and isinstance(obj, User):
            services.record_account(request.user, obj, audit.Action.UPDATE, password=True, reason="系统后台重置密码")
        return entry
