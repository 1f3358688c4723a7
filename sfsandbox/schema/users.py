"""User and Group (queues are Groups of Type "Queue").

Fields: https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-group.html
"""

from __future__ import annotations

from sfsandbox.schema.fields import (
    FieldDef,
    _boolean,
    _id,
    _picklist,
    _system_fields,
    _text,
    _textarea,
)
from sfsandbox.schema.picklists import GROUP_TYPES, TIME_ZONES

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
            *_system_fields(owned=False, deletable=False),
        ),
    ),
    "Group": (
        "Group",
        "Groups",
        (
            _id(),
            _text("Name", "Name", 40, nillable=False, name_field=True),
            _text("DeveloperName", "Developer Name", 80, nillable=False),
            _picklist("Type", "Type", GROUP_TYPES, length=40, nillable=False),
            FieldDef("Email", "email", "Email", length=255),
            _textarea("Description", "Description", 1332),
            _boolean("DoesSendEmailToMembers", "Send Email to Members"),
            _boolean("DoesIncludeBosses", "Include Bosses"),
            FieldDef(
                "RelatedId",
                "reference",
                "Related ID",
                length=18,
                createable=False,
                updateable=False,
                reference_to=("User", "UserRole"),
                relationship_name="Related",
            ),
            *_system_fields(owned=True, owner_to=("Organization", "User"), deletable=False),
        ),
    ),
}
