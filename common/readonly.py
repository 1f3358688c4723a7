"""Building blocks for each host app's read API and plain list page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.views.generic import ListView
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets


class OrgReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List + detail of one model, filtered to the caller's org (404 for other orgs).

    The scoped manager already filters by the org context; the explicit filter keeps the
    view correct even if it were ever called outside that context.
    """

    model = None
    select_related = ()
    prefetch_related = ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request org
            return self.model.objects.none()
        related = list(self.select_related)
        if _has_field(self.model, "owner"):
            related.append("owner__user")
        qs = self.model.objects.filter(org_id=self.request.org.pk)
        return qs.select_related(*related).prefetch_related(*self.prefetch_related)


def _has_field(model_cls, name):
    return any(f.name == name for f in model_cls._meta.get_fields())


class OwnerSerializer(serializers.Serializer):
    """A record's owner: the member (profile) with the user's email and name."""

    id = serializers.UUIDField(help_text="The owner's profile id")
    email = serializers.EmailField(source="user.email")
    name = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_name(self, profile) -> str:
        return display_name(profile.user)


def display_name(user) -> str:
    return f"{user.first_name} {user.last_name}".strip() or user.email


def read_serializer(model_cls, extra_exclude=(), extra_fields=None, name=None):
    """A ModelSerializer of every field but `org`; `owner` as an object; extra fields added."""
    meta = type("Meta", (), {"model": model_cls, "exclude": ("org", *extra_exclude)})
    attrs = {"Meta": meta}
    if _has_field(model_cls, "owner"):
        attrs["owner"] = OwnerSerializer(read_only=True, allow_null=True)
    attrs.update(extra_fields or {})
    return type(name or f"{model_cls.__name__}Serializer", (serializers.ModelSerializer,), attrs)


def line_item_serializer(model_cls):
    """The line item shape shared by opportunities, orders and estimates (NOTES 8.2)."""
    meta = type(
        "Meta",
        (),
        {
            "model": model_cls,
            "fields": ("id", "product", "name", "quantity", "unit_price", "total", "sort_order"),
        },
    )
    return type(f"{model_cls.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


def line_items_field(line_item_model):
    """`line_items` for a serializer (prefetch `line_items` in the view)."""
    return line_item_serializer(line_item_model)(many=True, read_only=True)


class OrgListView(LoginRequiredMixin, ListView):
    """A paginated table of one model for the current org; `?q=` searches, rows link to
    the record's page."""

    template_name = "common/object_list.html"
    paginate_by = 50
    title = ""
    columns = ()  # (heading, attribute) pairs; the first links to the record
    select_related = ()
    search_fields = ()  # every word of ?q= must match one of these (icontains)
    search_label = ""  # e.g. "name or email", for the search box

    def get_queryset(self):
        org = self.request.org
        if org is None:
            return self.model.objects.none()
        qs = self.model.objects.filter(org=org).select_related(*self.select_related)
        query = self.search_query()
        for word in query.split():
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": word})
            qs = qs.filter(condition)
        return qs

    def search_query(self):
        return self.request.GET.get("q", "").strip()[:200] if self.search_fields else ""

    def get_context_data(self, **kwargs):
        from .records import cells

        context = super().get_context_data(**kwargs)
        rows = [cells(obj, self.columns) for obj in context["object_list"]]
        context.update(
            title=self.title,
            headings=[h for h, _ in self.columns],
            rows=rows,
            q=self.search_query(),
            searchable=bool(self.search_fields),
            search_label=self.search_label,
        )
        return context
