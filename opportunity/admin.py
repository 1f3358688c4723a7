from django.contrib import admin

from .models import Opportunity, OpportunityLineItem

admin.site.register(Opportunity)
admin.site.register(OpportunityLineItem)
