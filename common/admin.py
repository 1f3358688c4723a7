from django.contrib import admin

from .models import Org, Profile, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "is_active", "is_staff", "date_joined")
    search_fields = ("email",)
    exclude = ("password",)


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "org", "role", "is_active")
    list_filter = ("role",)
