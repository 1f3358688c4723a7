"""User."""

from __future__ import annotations

from sfsandbox.schema.fields import (
    FieldDef,
    _boolean,
    _id,
    _picklist,
    _system_fields,
    _text,
)
from sfsandbox.schema.picklists import TIME_ZONES

OBJECTS = {
    "User": (
        "User",
        "Users",
        (
            _id(),
            _text("Username", "Username", 80, nillable=False),
            _text("FirstName", "First Name", 40),
            _text("LastName", "Last Name", 80, nillable=False),
            _text("Name", "Full Name", 121, name_field=True, writable=False),
            FieldDef("Email", "email", "Email", length=128, nillable=False),
            _text("Alias", "Alias", 8, nillable=False),
            _text("Title", "Title", 80),
            _text("Department", "Department", 80),
            _boolean("IsActive", "Active"),
            _picklist("TimeZoneSidKey", "Time Zone", TIME_ZONES, length=40, nillable=False),
            *_system_fields(owned=False),
        ),
    ),
}
