"""Classic Notes, Lightning notes (ContentNote) and the links that share them (ContentDocumentLink).

* Note: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_note.htm
  (Body "Limited to 32 KB", textarea 32000; Title 80; ParentId required, polymorphic).
* ContentNote: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_contentnote.htm
  (Content is base64: read it with the sObject Blob Get resource,
  https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_blob_retrieve.htm).
  Its Id is the ContentDocument Id (069); FileType is always SNOTE.
* ContentDocumentLink: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_contentdocumentlink.htm
  (no audit fields but SystemModstamp; a query must filter on Id, ContentDocumentId or
  LinkedEntityId).
"""

from __future__ import annotations

from sfsandbox.schema.fields import (
    FieldDef,
    _boolean,
    _id,
    _picklist,
    _stamp,
    _system_fields,
    _text,
    _textarea,
)

NOTE_PARENTS = ("Account", "Campaign", "Case", "Contact", "Lead", "Opportunity", "Order", "Product2", "Quote")
LINKED_ENTITIES = ("Account", "Campaign", "Case", "Contact", "Lead", "Opportunity", "Order", "Quote", "User")
SHARE_TYPES = ("V", "C", "I")  # Viewer, Collaborator, Inferred
VISIBILITIES = ("AllUsers", "InternalUsers", "SharedUsers")
SHARING_PRIVACY = ("N", "P")  # visible to anyone with record access / private on records
NOTE_FILE_TYPE = "SNOTE"
NOTE_FILE_EXTENSION = "snote"
NOTE_BODY_LIMIT = 32000  # Note.Body: textarea(32000), "Limited to 32 KB"

OBJECTS = {
    "Note": (
        "Note",
        "Notes",
        (
            _id("Note ID"),
            _text("Title", "Title", 80, nillable=False, name_field=True),
            _textarea("Body", "Body", NOTE_BODY_LIMIT),
            _boolean("IsPrivate", "Private"),
            FieldDef(
                "ParentId",
                "reference",
                "Parent ID",
                length=18,
                nillable=False,
                reference_to=NOTE_PARENTS,
                relationship_name="Parent",
                updateable=False,
            ),
            *_system_fields(owned=True),
        ),
    ),
    "ContentNote": (
        "Note",
        "Notes",
        (
            _id("ContentNote ID"),
            _text("Title", "Title", 255, nillable=False, name_field=True),
            FieldDef("Content", "base64", "Content"),
            FieldDef("TextPreview", "string", "Text Preview", length=255, createable=False, updateable=False),
            FieldDef("FileType", "string", "File Type", length=20, createable=False, updateable=False),
            FieldDef(
                "FileExtension", "string", "File Extension", length=40, createable=False, updateable=False
            ),
            FieldDef("ContentSize", "int", "Size", digits=9, createable=False, updateable=False),
            FieldDef(
                "ContentModifiedDate", "datetime", "Content Modified Date", createable=False, updateable=False
            ),
            _boolean("IsReadOnly", "Is Read Only", writable=False),
            _picklist("SharingPrivacy", "Sharing Privacy", SHARING_PRIVACY, length=40, default="N"),
            FieldDef(
                "LatestPublishedVersionId",
                "reference",
                "Latest Published Version ID",
                length=18,
                reference_to=("ContentVersion",),
                relationship_name="LatestPublishedVersion",
                createable=False,
                updateable=False,
            ),
            *_system_fields(owned=True),
        ),
    ),
    "ContentDocumentLink": (
        "Content Document Link",
        "Content Document Link",
        (
            _id("ContentDocumentLink ID"),
            FieldDef(
                "ContentDocumentId",
                "reference",
                "ContentDocument ID",
                length=18,
                nillable=False,
                reference_to=("ContentDocument",),
                relationship_name="ContentDocument",
                updateable=False,
            ),
            FieldDef(
                "LinkedEntityId",
                "reference",
                "Linked Entity ID",
                length=18,
                nillable=False,
                reference_to=LINKED_ENTITIES,
                relationship_name="LinkedEntity",
                updateable=False,
            ),
            FieldDef(
                "ShareType",
                "picklist",
                "Share Type",
                length=40,
                picklist_values=SHARE_TYPES,
                restricted_picklist=True,
            ),
            _picklist("Visibility", "Visibility", VISIBILITIES, length=40),
            _boolean("IsDeleted", "Deleted", writable=False),
            _stamp("SystemModstamp", "System Modstamp"),
        ),
    ),
}
