from django.contrib import admin

from .models import Opportunity

admin.site.register(Opportunity)
