from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import connection_service, owners, selectors, services, undo, value_mappings
from ..api.owner_mapping import APPLY_QUEUED, APPLY_UNAVAILABLE, BrokerUnavailable, mapping_body, queue_apply
from ..labels import LABELS
from ..models import ACTIVE_STATUSES, JobStatus
from .connection_views import _require_admin, _require_member

OBJECT_CHOICES = [
    (
        "Product2",
        "Products and their prices",
        "No dependencies. Price book entries come along; deal, order and quote lines link to products.",
    ),
    ("Account", "Accounts", "No dependencies (a parent account is linked whatever order they come in)."),
    ("Contact", "Contacts", "Contacts link to Accounts: import Accounts first or together."),
    (
        "Opportunity",
        "Opportunities and their products",
        "Opportunities link to Accounts, their line items to Products: import those first or together.",
    ),
    (
        "Lead",
        "Leads",
        "Converted leads link to the Accounts, Contacts and Opportunities they became: import those "
        "first or together.",
    ),
    ("Case", "Cases", "Cases link to Accounts and Contacts: import those first or together."),
    (
        "Order",
        "Orders and their line items",
        "Orders link to Accounts, Contacts and Opportunities, their items to Products: "
        "import those first or together.",
    ),
    (
        "Quote",
        "Quotes and their line items",
        "Quotes link to Accounts, Contacts and Opportunities, their items to Products: "
        "import those first or together.",
    ),
    (
        "Task",
        "Tasks (archived ones too)",
        "Tasks link to Contacts, Leads, Accounts, Opportunities, Cases, Orders and Quotes: import "
        "those first or together.",
    ),
    (
        "Event",
        "Events (archived ones too)",
        "Events link like tasks: import what they are about first or together.",
    ),
    (
        "Note",
        "Notes (classic and Lightning)",
        "Notes link to the records they are about: import those first or together. Each Lightning "
        "note's text is one Salesforce API call.",
    ),
]


def _job_context(job):
    rows = [
        {"type": sobject, "label": LABELS.get(sobject, sobject), **entry}
        for sobject, entry in selectors.progress_view(job).items()
    ]
    # Problems are shown once the job has ended; polling a running job doesn't query them.
    problems = [] if job.is_active else selectors.first_problems(job)
    return {
        "job": job,
        "rows": rows,
        "percent": _undo_percent(job) if _is_undo(job) else selectors.overall_percent(job),
        "problems": problems,
        "undo": _is_undo(job),
        # An ended import an admin may take back (the page's Undo button).
        "undoable": job.mode == "import" and job.status in undo.UNDOABLE_STATUSES,
    }


def _is_undo(job) -> bool:
    return job.status in (JobStatus.UNDOING, JobStatus.UNDONE)


def _undo_percent(job) -> int:
    if job.status == JobStatus.UNDONE:
        return 100
    done = job.undone_count + job.kept_count
    return min(99, int(100 * done / job.imported_count)) if job.imported_count else 0


def _job_or_404(request, job_id):
    return selectors.job_or_404(request.org.pk, job_id)


MATCHED_BY_LABELS = {
    "email": "matched by email",
    "admin": "chosen by admin",
    "fallback": "fallback",
    None: "not mapped",
}


def _owners_context(org_id):
    """The owner-mapping table: each Salesforce user or queue, its member and how."""
    body = mapping_body(org_id)
    names = {m["id"]: m for m in body["members"]}
    rows = [
        {
            **user,
            "member_info": names.get(user["member"]),
            "how": MATCHED_BY_LABELS[user["matched_by"]],
            # What the select shows: an admin's choice, else "match by email".
            "chosen": user["member"] if user["matched_by"] == "admin" else "",
        }
        for user in body["users"]
    ]
    return {
        "owner_rows": rows,
        "owner_members": body["members"],
        "owner_fallback": body["fallback"] or "",
        "owners_mapped": sum(1 for row in rows if row["member"]),
    }


@login_required
def import_page(request):
    _require_member(request)
    org_id = request.org.pk
    job = services.active_job(org_id) or selectors.jobs_for_org(org_id).first()
    context = {
        "connection": connection_service.get_connection(org_id),
        "choices": OBJECT_CHOICES,
        "selected": {c[0] for c in OBJECT_CHOICES},
        **_owners_context(org_id),
        **_value_mappings_context(org_id),
        **(_job_context(job) if job else {"job": None}),
    }
    return render(request, "salesforce_imports/import.html", context)


@login_required
@require_POST
def start_import(request):
    _require_admin(request)
    types = request.POST.getlist("object_types")
    # The form sends a hidden "0" before the checkbox's "1", so the last value is the
    # choice; a POST without the field (an older form) keeps the default, custom fields on.
    custom_fields = (request.POST.getlist("custom_fields") or ["1"])[-1] == "1"
    update_changed = (request.POST.getlist("update_changed") or ["0"])[-1] == "1"
    mode = request.POST.get("mode") or "import"  # the button pressed: Preview or Start Import
    try:
        job = services.start_import(
            request.org.pk,
            types,
            started_by=request.profile,
            custom_fields=custom_fields,
            mode=mode,
            update_changed=update_changed,
        )
    except services.ImportRequestError as exc:
        if request.htmx:
            return render(request, "salesforce_imports/_form_error.html", {"message": str(exc)}, status=200)
        messages.error(request, str(exc))
        return redirect("salesforce-import")
    if request.htmx:
        return render(request, "salesforce_imports/_job_progress.html", _job_context(job))
    return redirect("salesforce-import")


@login_required
@require_POST
def save_owners(request):
    """The owners table's form: one select per Salesforce user ("" = match by email) and
    the fallback. Only the users whose choice changed are sent, so a table loaded before
    another admin's change does not undo the rows this admin left alone."""
    _require_admin(request)
    org_id = request.org.pk
    current = {row["salesforce_id"]: row["chosen"] for row in _owners_context(org_id)["owner_rows"]}
    overrides = {}
    for sf_id, chosen in current.items():
        field = f"owner-{sf_id}"
        if field in request.POST and request.POST[field] != chosen:
            overrides[sf_id] = request.POST[field] or None
    fallback = (request.POST["fallback"] or None) if "fallback" in request.POST else ...
    try:
        owners.update(org_id, overrides, fallback=fallback)
    except owners.OwnerMappingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, "Owner mapping saved. New imports use it; apply it to records already imported."
        )
    return redirect(f"{reverse('salesforce-import')}#owners")


@login_required
@require_POST
def apply_owners(request):
    _require_admin(request)
    try:
        queue_apply(request.org.pk)
    except BrokerUnavailable:
        messages.error(request, APPLY_UNAVAILABLE)
    else:
        messages.success(request, APPLY_QUEUED)
    return redirect(f"{reverse('salesforce-import')}#owners")


def _value_mappings_context(org_id):
    """The "Picklist values" section: the unknown values of the org's last ended import or
    preview, each with what it was imported as and the CRM choices of its field, and the
    stored mappings."""
    job = selectors.jobs_for_org(org_id).exclude(status__in=ACTIVE_STATUSES).first()
    known = value_mappings.mappable_fields()
    stored = value_mappings.get(org_id)

    def label_of(mappable, value):
        return dict(mappable.choices).get(value, value) if mappable else value

    def stored_for(object_type, field, value):
        key = value_mappings.normalise(value)
        values = (
            stored.get(object_type, {}).get(field, {}) if isinstance(stored.get(object_type), dict) else {}
        )
        return next((crm for sf, crm in values.items() if value_mappings.normalise(sf) == key), "")

    unknown_rows = []
    for entry in job.unknown_values if job and isinstance(job.unknown_values, list) else []:
        if not isinstance(entry, dict):
            continue
        object_type, field = str(entry.get("object_type", "")), str(entry.get("field", ""))
        value, mapped_to = str(entry.get("value", "")), str(entry.get("mapped_to") or "")
        mappable = known.get(object_type, {}).get(field)
        chosen = stored_for(object_type, field, value)
        unknown_rows.append(
            {
                "object_type": object_type,
                "field": field,
                "value": value,
                "count": entry.get("count", ""),
                "mapped_to": mapped_to,
                "mapped_to_label": label_of(mappable, mapped_to),
                "choices": mappable.choices if mappable else (),
                "chosen": chosen,
                "chosen_label": label_of(mappable, chosen),
            }
        )
    stored_rows = [
        {
            "object_type": object_type,
            "field": field,
            "value": sf_value,
            "crm_value": crm_value,
            "crm_label": label_of(known.get(object_type, {}).get(field), crm_value),
        }
        for object_type, fields in sorted(stored.items())
        if isinstance(fields, dict)
        for field, values in sorted(fields.items())
        if isinstance(values, dict)
        for sf_value, crm_value in sorted(values.items(), key=lambda item: value_mappings.normalise(item[0]))
    ]
    return {"values_job": job, "unknown_rows": unknown_rows, "stored_value_rows": stored_rows}


@login_required
@require_POST
def save_value_mapping(request):
    """One Salesforce picklist value -> a CRM value (merged into the stored mappings), or
    back to the built-in tables when `crm_value` is empty (the remove buttons)."""
    _require_admin(request)
    object_type = request.POST.get("object_type", "")
    field = request.POST.get("field", "")
    sf_value = request.POST.get("value", "")
    crm_value = request.POST.get("crm_value", "")
    try:
        value_mappings.set_one(request.org.pk, object_type, field, sf_value, crm_value or None)
    except value_mappings.ValueMappingError as exc:
        messages.error(request, str(exc))
    else:
        if crm_value:
            messages.success(
                request,
                f"{sf_value!r} of {object_type}.{field} now imports as {crm_value}. "
                "Later previews and imports use it; records already imported keep their value.",
            )
        else:
            messages.success(request, f"The mapping of {sf_value!r} of {object_type}.{field} was removed.")
    return redirect(f"{reverse('salesforce-import')}#value-mappings")


@login_required
def job_progress(request, job_id):
    _require_member(request)
    return render(
        request, "salesforce_imports/_job_progress.html", _job_context(_job_or_404(request, job_id))
    )


@login_required
@require_POST
def cancel_job(request, job_id):
    _require_admin(request)
    job = services.cancel_import(_job_or_404(request, job_id))
    if request.htmx:
        return render(request, "salesforce_imports/_job_progress.html", _job_context(job))
    return redirect("salesforce-job", job_id=job.pk)


@login_required
def history_page(request):
    _require_member(request)
    page = Paginator(selectors.jobs_for_org(request.org.pk), 25).get_page(request.GET.get("page"))
    return render(request, "salesforce_imports/history.html", {"page": page})


@login_required
def job_page(request, job_id):
    _require_member(request)
    job = _job_or_404(request, job_id)
    if request.method == "POST":
        return _undo_from_page(request, job)
    problems = Paginator(selectors.problems_for(job), 100).get_page(request.GET.get("page"))
    return render(request, "salesforce_imports/job.html", {**_job_context(job), "problem_page": problems})


def _undo_from_page(request, job):
    """The Undo button's confirmed form (a plain post, no JS needed): the API's service."""
    _require_admin(request)
    if request.POST.get("action") != "undo":
        return redirect("salesforce-job", job_id=job.pk)
    try:
        undo.request_undo(job)
    except (undo.UndoRefused, undo.BrokerUnavailable) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, undo.UNDO_QUEUED)
    return redirect("salesforce-job", job_id=job.pk)
