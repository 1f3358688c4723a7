from django.contrib import admin

from .models import Estimate, EstimateLineItem, Product

admin.site.register(Product)
admin.site.register(Estimate)
admin.site.register(EstimateLineItem)
