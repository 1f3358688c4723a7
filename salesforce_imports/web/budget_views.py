"""The import page's API budget: an htmx partial with the estimate of the chosen types."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import budget, services
from ..api.budget import requested_types
from .connection_views import _require_admin


@login_required
def import_estimate(request):
    """Loaded by the import form (and a finished preview) with the types it would import;
    it makes the COUNT() queries and a /limits call, so it is loaded on demand, never polled."""
    _require_admin(request)
    context = {"estimate": None, "message": ""}
    try:
        context["estimate"] = budget.estimate_for_org(request.org.pk, requested_types(request.GET))
    except services.ImportRequestError as exc:
        context["message"] = str(exc)
    return render(request, "salesforce_imports/_estimate.html", context)
