from common.readonly import OrgReadOnlyViewSet, line_items_field, read_serializer

from .models import Order, OrderLineItem


class OrderViewSet(OrgReadOnlyViewSet):
    model = Order
    serializer_class = read_serializer(Order, extra_fields={"line_items": line_items_field(OrderLineItem)})
    prefetch_related = ("line_items",)
