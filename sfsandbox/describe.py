"""sObject Describe and the other metadata-like resources, in Salesforce's JSON shapes.

Shapes: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
and the DescribeSObjectResult / Field reference of the SOAP API guide.
"""

from __future__ import annotations

from sfsandbox.schema import FieldDef, ObjectDef

_SOAP_TYPES = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "string": "xsd:string",
    "textarea": "xsd:string",
    "picklist": "xsd:string",
    "multipicklist": "xsd:string",
    "email": "xsd:string",
    "phone": "xsd:string",
    "url": "xsd:string",
    "currency": "xsd:double",
    "double": "xsd:double",
    "percent": "xsd:double",
    "int": "xsd:int",
    "date": "xsd:date",
    "datetime": "xsd:dateTime",
    "boolean": "xsd:boolean",
    "combobox": "xsd:string",
    "base64": "xsd:base64Binary",
}
_TEXT_TYPES = {
    "string",
    "textarea",
    "picklist",
    "multipicklist",
    "combobox",
    "email",
    "phone",
    "url",
    "id",
    "reference",
}


def version_label(version: int) -> str:
    """Release name of an API version: v62.0 is Winter '25, three releases a year."""
    offset = version - 56  # v56.0 = Winter '23
    year, season = divmod(offset, 3)
    return f"{('Winter', 'Spring', 'Summer')[season]} '{23 + year:02d}"


def versions(lowest: int = 31, highest: int = 62) -> list[dict]:
    return [
        {"label": version_label(v), "url": f"/services/data/v{v}.0", "version": f"{v}.0"}
        for v in range(lowest, highest + 1)
    ]


def _default_value(f: FieldDef):
    # Checkbox defaults are booleans in describe; picklist defaults are flagged per value.
    if f.type == "boolean" and f.default_value is not None:
        return f.default_value == "true"
    return None


def describe_field(f: FieldDef) -> dict:
    is_text = f.type in _TEXT_TYPES
    length = f.length if is_text else 0
    return {
        "aggregatable": f.type not in ("textarea", "base64"),
        "autoNumber": f.auto_number,
        "byteLength": length * 3 if is_text else 0,
        "calculated": f.calculated,
        "calculatedFormula": f.calculated_formula,
        "caseSensitive": False,
        "createable": f.createable,
        "custom": f.custom,
        "defaultValue": _default_value(f),
        "defaultedOnCreate": f.defaulted_on_create,
        "digits": f.digits,
        "externalId": False,
        "filterable": f.type != "base64" and (f.type != "textarea" or f.length <= 255),
        "groupable": f.type not in ("textarea", "double", "currency", "percent", "datetime", "base64"),
        "extraTypeInfo": f.extra_type_info,
        "htmlFormatted": f.html_formatted,
        "idLookup": f.name == "Id" or f.auto_number,
        "label": f.label,
        "length": length,
        "name": f.name,
        "nameField": f.name_field,
        "nillable": f.nillable,
        "picklistValues": [
            {
                "active": True,
                "defaultValue": value == f.default_value,
                "label": value,
                "validFor": None,
                "value": value,
            }
            for value in f.picklist_values
        ],
        "precision": f.precision,
        "referenceTo": list(f.reference_to),
        "relationshipName": f.relationship_name,
        "polymorphicForeignKey": f.polymorphic,
        "restrictedPicklist": f.restricted_picklist,
        "scale": f.scale,
        "soapType": _SOAP_TYPES[f.type],
        "sortable": f.type != "base64" and (f.type != "textarea" or f.length <= 255),
        "type": f.type,
        "unique": False,
        "updateable": f.updateable,
    }


def _urls(obj: ObjectDef, version: str) -> dict:
    base = f"/services/data/v{version}/sobjects/{obj.name}"
    return {
        "compactLayouts": f"{base}/describe/compactLayouts",
        "rowTemplate": f"{base}/{{ID}}",
        "describe": f"{base}/describe",
        "sobject": base,
    }


def describe_basics(obj: ObjectDef, version: str) -> dict:
    """The object summary used in the global describe and the sObject basic info."""
    return {
        "activateable": False,
        "createable": True,
        "custom": False,
        "customSetting": False,
        "deletable": obj.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": False,
        "hasSubtypes": False,
        "isSubtype": False,
        "keyPrefix": obj.key_prefix,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "layoutable": True,
        "mergeable": obj.name in ("Account", "Contact"),
        "mruEnabled": True,
        "name": obj.name,
        "queryable": True,
        "replicateable": True,
        "retrieveable": True,
        "searchable": True,
        "triggerable": True,
        "undeletable": obj.deletable,
        "updateable": True,
        "urls": _urls(obj, version),
    }


def describe_object(obj: ObjectDef, version: str) -> dict:
    result = describe_basics(obj, version)
    result.update(
        {
            "childRelationships": [],
            "fields": [describe_field(f) for f in obj.fields],
            "recordTypeInfos": [],
            "supportedScopes": [{"label": "All", "name": "everything"}, {"label": "My", "name": "mine"}],
        }
    )
    return result
