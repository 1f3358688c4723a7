from rest_framework.permissions import BasePermission


class IsOrgMember(BasePermission):
    message = "You must be signed in to an org."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and getattr(request, "profile", None))


class IsOrgAdmin(IsOrgMember):
    message = "Only an org admin can do this."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.profile.is_admin
