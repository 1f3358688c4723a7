from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Order


class OrderViewSet(OrgReadOnlyViewSet):
    model = Order
    serializer_class = read_serializer(Order)
    select_related = ("account",)
