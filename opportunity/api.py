from common.readonly import OrgReadOnlyViewSet, line_items_field, read_serializer

from .models import Opportunity, OpportunityLineItem


class OpportunityViewSet(OrgReadOnlyViewSet):
    model = Opportunity
    serializer_class = read_serializer(
        Opportunity, extra_fields={"line_items": line_items_field(OpportunityLineItem)}
    )
    prefetch_related = ("line_items",)
