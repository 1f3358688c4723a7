"""Building blocks for each host app's read API and plain list page."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView
from rest_framework import serializers, viewsets


class OrgReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """List + detail of one model, filtered to the caller's org (404 for other orgs).

    The scoped manager already filters by the org context; the explicit filter keeps the
    view correct even if it were ever called outside that context.
    """

    model = None
    select_related = ()

    def get_queryset(self):
        return self.model.objects.filter(org_id=self.request.org.pk).select_related(*self.select_related)


def read_serializer(model_cls, extra_exclude=()):
    meta = type("Meta", (), {"model": model_cls, "exclude": ("org", *extra_exclude)})
    return type(f"{model_cls.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


class OrgListView(LoginRequiredMixin, ListView):
    """A plain, paginated table of one model for the current org."""

    template_name = "common/object_list.html"
    paginate_by = 50
    title = ""
    columns = ()  # (heading, attribute) pairs
    select_related = ()

    def get_queryset(self):
        org = self.request.org
        if org is None:
            return self.model.objects.none()
        return self.model.objects.filter(org=org).select_related(*self.select_related)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = [[_value(obj, attr) for _, attr in self.columns] for obj in context["object_list"]]
        context.update(title=self.title, headings=[h for h, _ in self.columns], rows=rows)
        return context


def _value(obj, attr):
    for part in attr.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
    return obj
