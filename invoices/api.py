from rest_framework import serializers

from common.readonly import OrgReadOnlyViewSet, line_items_field, read_serializer

from .models import Estimate, EstimateLineItem, Product, ProductPrice


class ProductPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductPrice
        fields = ("price_book", "is_standard", "currency", "unit_price", "is_active")


class ProductViewSet(OrgReadOnlyViewSet):
    model = Product
    serializer_class = read_serializer(
        Product, extra_fields={"prices": ProductPriceSerializer(many=True, read_only=True)}
    )
    prefetch_related = ("prices",)


class EstimateViewSet(OrgReadOnlyViewSet):
    model = Estimate
    serializer_class = read_serializer(
        Estimate, extra_fields={"line_items": line_items_field(EstimateLineItem)}
    )
    prefetch_related = ("line_items",)
