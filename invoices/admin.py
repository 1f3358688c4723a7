from django.contrib import admin

from .models import Estimate, EstimateLineItem, Product, ProductPrice

admin.site.register(Product)
admin.site.register(ProductPrice)
admin.site.register(Estimate)
admin.site.register(EstimateLineItem)
