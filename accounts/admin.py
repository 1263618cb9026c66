from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class CountyUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("岗位", {"fields": ("display_name", "role", "organization", "phone")}),)
    list_display = ("username", "display_name", "role", "organization", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name")
    raw_id_fields = ("organization",)
