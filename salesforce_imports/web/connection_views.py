from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import connection_service
from ..binding_cookie import set_binding_cookie
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
    connection = connection_service.get_connection(request.org.pk)
    if request.GET.get("error") in CALLBACK_MESSAGES:
        messages.error(request, CALLBACK_MESSAGES[request.GET["error"]])
    elif request.GET.get("result") == "connected" and connection and connection.is_active:
        messages.success(request, CALLBACK_MESSAGES["connected"])
    context = {"connection": connection}
    return render(request, "salesforce_imports/connection.html", context)


@login_required
@require_POST
def connect(request):
    _require_admin(request)
    started = connection_service.start_connect(request.profile)
    response = redirect(started.auth_url)
    set_binding_cookie(request, response, started.browser_binding)
    return response


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
