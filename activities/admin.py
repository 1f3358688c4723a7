from django.contrib import admin

from .models import Event, Note, Task

admin.site.register(Task)
admin.site.register(Event)
admin.site.register(Note)
