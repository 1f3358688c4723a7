from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Estimate, Product


class ProductViewSet(OrgReadOnlyViewSet):
    model = Product
    serializer_class = read_serializer(Product)


class EstimateViewSet(OrgReadOnlyViewSet):
    model = Estimate
    serializer_class = read_serializer(Estimate)
    select_related = ("account", "contact", "opportunity")
