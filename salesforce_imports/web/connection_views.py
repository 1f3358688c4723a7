from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import connection_service
from ..connection_service import CALLBACK_MESSAGES


def _require_member(request):
    if request.profile is None:
        raise PermissionDenied("You are not a member of any org.")


def _require_admin(request):
    _require_member(request)
    if not request.profile.is_admin:
        raise PermissionDenied("Only an org admin can do this.")


@login_required
def connection_page(request):
    _require_member(request)
    code = request.GET.get("result") or request.GET.get("error")
    if code in CALLBACK_MESSAGES:
        level = messages.SUCCESS if "result" in request.GET else messages.ERROR
        messages.add_message(request, level, CALLBACK_MESSAGES[code])
    context = {"connection": connection_service.get_connection(request.org.pk)}
    return render(request, "salesforce_imports/connection.html", context)


@login_required
@require_POST
def connect(request):
    _require_admin(request)
    return redirect(connection_service.start_connect(request.profile))


@login_required
@require_POST
def disconnect(request):
    _require_admin(request)
    if connection_service.disconnect(request.org.pk):
        messages.success(request, "Salesforce is disconnected and its tokens are revoked.")
    if request.htmx:
        context = {"connection": None}
        return render(request, "salesforce_imports/_connection_card.html", context)
    return redirect("salesforce-settings")
