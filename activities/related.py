"""The related lists other record pages show for their tasks, events and notes.

`activity_lists("account")` -> the three `Related` lists of an account's page, each one
query (plus a count when it has more than a page's worth) whatever the data.
"""

from common.records import Related

from .models import Event, Note, Task

TASK_COLUMNS = [("Subject", "subject"), ("Status", "status"), ("Due date", "due_date"), ("Type", "kind")]
EVENT_COLUMNS = [("Subject", "subject"), ("Start", "start"), ("End", "end"), ("Location", "location")]
NOTE_COLUMNS = [("Title", "title"), ("Created", "created_at"), ("Private", "is_private")]


def activity_lists(link):
    """Tasks, events and notes whose `link` FK (e.g. "account") is the page's record."""
    return (
        Related("Tasks", lambda obj: Task.objects.filter(**{link: obj}), TASK_COLUMNS),
        Related("Events", lambda obj: Event.objects.filter(**{link: obj}), EVENT_COLUMNS),
        Related("Notes", lambda obj: Note.objects.filter(**{link: obj}), NOTE_COLUMNS),
    )
