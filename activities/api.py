from common.readonly import OrgReadOnlyViewSet, read_serializer

from .models import Event, Note, Task


class TaskViewSet(OrgReadOnlyViewSet):
    model = Task
    serializer_class = read_serializer(Task)


class EventViewSet(OrgReadOnlyViewSet):
    model = Event
    serializer_class = read_serializer(Event)


class NoteViewSet(OrgReadOnlyViewSet):
    model = Note
    serializer_class = read_serializer(Note)
