from common.readonly import OrgListView
from common.records import OrgDetailView

from .models import Activity, Event, Note, Task

LINKS = Activity.LINKS


class TaskListView(OrgListView):
    model = Task
    title = "Tasks"
    select_related = LINKS
    search_fields = ("subject",)
    search_label = "subject"
    columns = [
        ("Subject", "subject"),
        ("Status", "status"),
        ("Due date", "due_date"),
        ("Type", "kind"),
        ("Related to", "related_to"),
    ]


class EventListView(OrgListView):
    model = Event
    title = "Events"
    select_related = LINKS
    search_fields = ("subject",)
    search_label = "subject"
    columns = [
        ("Subject", "subject"),
        ("Start", "start"),
        ("End", "end"),
        ("Location", "location"),
        ("Related to", "related_to"),
    ]


class NoteListView(OrgListView):
    model = Note
    title = "Notes"
    select_related = LINKS
    search_fields = ("title",)
    search_label = "title"
    columns = [
        ("Title", "title"),
        ("Related to", "related_to"),
        ("Created", "created_at"),
        ("Private", "is_private"),
    ]


class ActivityDetailView(OrgDetailView):
    select_related = LINKS
    hide_when_empty = LINKS


class TaskDetailView(ActivityDetailView):
    model = Task
    title = "Task"
    list_url_name = "task-list"
    fields = ("subject", "status", "priority", "kind", "due_date", *LINKS, "is_archived", "description")
    labels = {"kind": "Type", "is_archived": "Archived"}


class EventDetailView(ActivityDetailView):
    model = Event
    title = "Event"
    list_url_name = "event-list"
    fields = ("subject", "start", "end", "is_all_day", "location", *LINKS, "is_archived", "description")
    labels = {"is_all_day": "All day", "is_archived": "Archived"}


class NoteDetailView(ActivityDetailView):
    model = Note
    title = "Note"
    list_url_name = "note-list"
    fields = ("title", *LINKS, "is_private", "body")
    labels = {"is_private": "Private"}
