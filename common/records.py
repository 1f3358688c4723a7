"""Record pages: one detail page per host model, and how values are shown on pages.

A detail view declares its fields, its related lists and its line items; the template
(`common/object_detail.html`) renders them the same way for every model. Every list is
capped (the first `RELATED_LIMIT` rows, with the total) and costs a fixed number of
queries whatever the data: no query per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.views.generic import DetailView

from . import provenance
from .readonly import display_name

RELATED_LIMIT = 20
LINE_ITEM_LIMIT = 200
EMPTY = ""


@dataclass
class Related:
    """A related list: `rows(obj)` is a queryset; `columns` are (heading, attr) pairs.

    The first column links to the row's page, or to `link`'s page (an attr path, e.g.
    "order" for an order line item) when the row itself has none."""

    title: str
    rows: Callable
    columns: list = field(default_factory=list)
    link: str | None = None


@dataclass
class Cell:
    value: object
    url: str | None = None
    numeric: bool = False


def model_field(model_cls, name):
    try:
        return model_cls._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def resolve(obj, attr):
    """Follow an attr path ("account.name"); None if any step is None."""
    for part in attr.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def display(obj, attr):
    """What a page shows for `attr` of `obj`: choice labels, Yes/No, "" for nothing."""
    *path, last = attr.split(".")
    owner = resolve(obj, ".".join(path)) if path else obj
    if owner is None:
        return EMPTY
    f = model_field(type(owner), last)
    value = getattr(owner, last, None)
    if callable(value):  # "__str__" or a model method
        value = value()
    if f is not None and f.choices and value not in (None, ""):
        return getattr(owner, f"get_{last}_display")()
    return show(value)


def show(value):
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def url_of(obj):
    get = getattr(obj, "get_absolute_url", None)
    return get() if get else None


def cells(obj, columns, link=None):
    row = []
    for i, (_, attr) in enumerate(columns):
        value = display(obj, attr)
        url = None
        if i == 0:
            url = url_of(resolve(obj, link) if link else obj)
            if value == EMPTY:
                value = str(obj) or "(no name)"
        row.append(
            Cell(value, url, numeric=isinstance(value, (int, float, Decimal)) and not isinstance(value, bool))
        )
    return row


def custom_field_value(value):
    """A custom field as text: lists joined with "; ", lookups as their Salesforce Id."""
    if isinstance(value, list):
        return "; ".join(str(show(v)) for v in value)
    if isinstance(value, dict):
        if "salesforce_id" in value:
            return value.get("salesforce_id") or EMPTY
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return show(value)


class OrgDetailView(LoginRequiredMixin, DetailView):
    """One record of the current org (another org's id is a 404)."""

    template_name = "common/object_detail.html"
    context_object_name = "record"
    title = ""  # the model's name on the page, e.g. "Account"
    list_url_name = ""
    list_title = ""
    select_related = ()
    fields = ()  # field names, in page order; FKs link to their page
    labels = {}  # field name -> label, where the model's verbose name reads badly
    hide_when_empty = ()  # fields left out while empty (e.g. the parts of an address)
    related = ()  # Related lists
    line_items = None  # reverse accessor of the line items, e.g. "line_items"
    line_item_columns = (
        ("Product", "product"),
        ("Name", "name"),
        ("Quantity", "quantity"),
        ("Unit price", "unit_price"),
        ("Total", "total"),
    )

    def get_queryset(self):
        org = getattr(self.request, "org", None)
        if org is None:
            return self.model.objects.none()
        related = ["created_by", *self.select_related]
        if model_field(self.model, "owner") is not None:
            related.append("owner__user")
        return self.model.objects.filter(org=org).select_related(*related)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        owner = getattr(obj, "owner", None)
        context.update(
            title=self.title or capfirst(self.model._meta.verbose_name),
            list_url_name=self.list_url_name,
            list_title=self.list_title or capfirst(self.model._meta.verbose_name_plural),
            field_rows=self.field_rows(obj),
            has_owner=model_field(self.model, "owner") is not None,
            owner_name=display_name(owner.user) if owner else "",
            owner_email=owner.user.email if owner else "",
            created_by_name=display_name(obj.created_by) if obj.created_by_id else "",
            custom_fields=self.custom_field_rows(obj),
            line_item_table=self.line_item_table(obj),
            related_lists=[self.related_list(obj, r) for r in self.related],
            provenance=provenance.for_object(obj),
        )
        return context

    def field_rows(self, obj):
        rows = []
        for name in self.fields:
            f = model_field(self.model, name)
            label = self.labels.get(name) or capfirst(f.verbose_name)
            kind = "text"
            url = None
            if isinstance(f, models.ForeignKey):
                target = getattr(obj, name)
                value = str(target) if target else EMPTY
                url = url_of(target) if target else None
            else:
                value = display(obj, name)
                if isinstance(f, models.EmailField) and value:
                    url, kind = f"mailto:{value}", "email"
                elif isinstance(f, models.TextField):
                    kind = "long"
                elif isinstance(value, (dt.date, dt.datetime)):
                    kind = "date"
            if value == EMPTY and name in self.hide_when_empty:
                continue
            rows.append({"name": name, "label": label, "value": value, "url": url, "kind": kind})
        return rows

    def custom_field_rows(self, obj):
        values = getattr(obj, "custom_fields", None) or {}
        if not values:
            return []
        labels = provenance.custom_field_labels(self.model, obj.org_id)
        linked = any(isinstance(v, dict) and v.get("id") for v in values.values())
        targets = provenance.custom_field_targets(self.model, obj.org_id) if linked else {}
        rows = []
        for name, value in values.items():
            url = None
            target = targets.get(name)
            if target is not None and isinstance(value, dict) and value.get("id"):
                url = url_of(target(pk=value["id"]))  # no query: the URL needs only the id
            rows.append(
                {
                    "api_name": name,
                    "label": labels.get(name) or name,
                    "value": custom_field_value(value),
                    "url": url,
                }
            )
        return sorted(rows, key=lambda r: str(r["label"]).lower())

    def line_item_table(self, obj):
        if not self.line_items:
            return None
        qs = getattr(obj, self.line_items).select_related("product")
        items = list(qs[: LINE_ITEM_LIMIT + 1])
        count = len(items) if len(items) <= LINE_ITEM_LIMIT else qs.count()
        items = items[:LINE_ITEM_LIMIT]
        rows = []
        for item in items:
            row = []
            for _, attr in self.line_item_columns:
                if attr == "product":
                    product = item.product
                    row.append(Cell(str(product) if product else EMPTY, url_of(product) if product else None))
                else:
                    value = display(item, attr)
                    row.append(Cell(value, numeric=isinstance(value, (int, Decimal))))
            rows.append(row)
        headings = [h for h, _ in self.line_item_columns]
        return {"headings": headings, "rows": rows, "count": count, "shown": len(rows)}

    def related_list(self, obj, related: Related):
        qs = related.rows(obj)
        items = list(qs[: RELATED_LIMIT + 1])
        count = len(items) if len(items) <= RELATED_LIMIT else qs.count()
        items = items[:RELATED_LIMIT]
        return {
            "title": related.title,
            "headings": [h for h, _ in related.columns],
            "rows": [cells(item, related.columns, related.link) for item in items],
            "count": count,
            "shown": len(items),
        }
