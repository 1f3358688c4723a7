"""Value mappings (NOTES 8.7 "Values"): an org admin's choice of CRM value for Salesforce
picklist values, applied by previews and imports before the built-in tables.

Stored in `ImportPreferences.value_mappings` as
`{object_type: {Salesforce field API name: {Salesforce value: CRM value}}}`, with the
Salesforce values as the admin typed them. Only the picklist fields the mapping tables
convert can take a mapping (`mappable_fields`), and only to one of the CRM field's choices.
The API, the import page and the engine (`overrides_for`) all go through this module.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import transaction

from common.rls import current_org_id

from .mapping import MAPPINGS
from .mapping.picklists import Picklist, picklist_key
from .models import ImportPreferences


class ValueMappingError(ValueError):
    """A body the mappings cannot take; the message is for the admin and names the problem."""


def normalise(value) -> str:
    """A Salesforce picklist value as the tables compare it: `" ".join(str(v).split()).casefold()`,
    spacing collapsed and casefolded (`Picklist`'s own key), so "Closed  Lost" and "closed lost"
    are one value."""
    return picklist_key(value)


@dataclass(frozen=True)
class MappableField:
    object_type: str  # the Salesforce object: Opportunity
    field: str  # the Salesforce field's API name: StageName
    crm_model: str  # Opportunity
    crm_field: str  # stage
    choices: tuple  # ((value, label), ...) of the CRM field

    @property
    def values(self) -> tuple:
        return tuple(value for value, _label in self.choices)

    def as_dict(self) -> dict:
        return {
            "object_type": self.object_type,
            "field": self.field,
            "crm_field": self.crm_field,
            "choices": [{"value": value, "label": label} for value, label in self.choices],
        }


def _picklist_of(convert) -> Picklist | None:
    """The Picklist a converter uses: itself, a `picklist` attribute, or a module-level
    Picklist the function's code names (opportunity_stage -> STAGE, lead_status -> LEAD_STATUS).
    None for other converters (when_present, text, ...)."""
    if isinstance(convert, Picklist):
        return convert
    found = getattr(convert, "picklist", None)
    if isinstance(found, Picklist):
        return found
    code, scope = getattr(convert, "__code__", None), getattr(convert, "__globals__", {})
    for name in code.co_names if code is not None else ():
        if isinstance(scope.get(name), Picklist):
            return scope[name]
    return None


@functools.cache
def mappable_fields() -> dict[str, dict[str, MappableField]]:
    """{object_type: {Salesforce field: MappableField}}: every mapping row whose CRM field has
    choices and whose converter is a picklist. Object types without one are left out."""
    found: dict[str, dict[str, MappableField]] = {}
    for object_type, mapping in MAPPINGS.items():
        for row in mapping.fields:
            model_field = mapping.model._meta.get_field(row.crm)
            if not model_field.choices or _picklist_of(row.convert) is None:
                continue
            choices = tuple((str(value), str(label)) for value, label in model_field.flatchoices)
            found.setdefault(object_type, {})[row.sf] = MappableField(
                object_type, row.sf, mapping.model.__name__, row.crm, choices
            )
    return found


def fields_list() -> list[dict]:
    """The `fields/` endpoint's body: each mappable field and its CRM choices."""
    return [
        field.as_dict()
        for object_type in sorted(mappable_fields())
        for _name, field in sorted(mappable_fields()[object_type].items())
    ]


def _names(items) -> str:
    return ", ".join(items)


def validate(body) -> dict:
    """The mappings a PUT body asks for, as they will be stored (empty objects dropped);
    ValueMappingError naming the first problem otherwise."""
    if not isinstance(body, dict):
        raise ValueMappingError(
            "The body must be an object: {object type: {Salesforce field: {Salesforce value: CRM value}}}."
        )
    known = mappable_fields()
    clean: dict = {}
    for object_type, fields in body.items():
        if object_type not in known:
            extra = " (it has no picklist fields to map)" if object_type in MAPPINGS else ""
            raise ValueMappingError(
                f"{object_type!r} is not an object type with picklist fields{extra}: "
                f"choose from {_names(sorted(known))}."
            )
        if not isinstance(fields, dict):
            raise ValueMappingError(
                f"The mappings of {object_type} must be an object of "
                "{Salesforce field: {Salesforce value: CRM value}}."
            )
        for field_name, values in fields.items():
            mappable = known[object_type].get(field_name)
            if mappable is None:
                mapped = {row.sf for row in MAPPINGS[object_type].fields}
                what = "not a picklist field" if field_name in mapped else "not a field the import reads"
                raise ValueMappingError(
                    f"{field_name!r} is {what} of {object_type}: choose from "
                    f"{_names(sorted(known[object_type]))}."
                )
            if not isinstance(values, dict):
                raise ValueMappingError(
                    f"The mappings of {object_type}.{field_name} must be an object of "
                    "{Salesforce value: CRM value}."
                )
            seen: dict[str, str] = {}
            for sf_value, crm_value in values.items():
                if not str(sf_value).strip():
                    raise ValueMappingError(
                        f"An empty Salesforce value cannot be mapped ({object_type}.{field_name}): "
                        "an empty field keeps the CRM's default."
                    )
                if not isinstance(crm_value, str):
                    raise ValueMappingError(
                        f"The CRM value for {sf_value!r} of {object_type}.{field_name} must be a string."
                    )
                if crm_value not in mappable.values:
                    raise ValueMappingError(
                        f"{crm_value!r} is not a CRM value of {object_type}.{field_name}: "
                        f"choose from {_names(mappable.values)}."
                    )
                key = normalise(sf_value)
                if key in seen and values[seen[key]] != crm_value:
                    raise ValueMappingError(
                        f"{seen[key]!r} and {sf_value!r} of {object_type}.{field_name} are the same "
                        "Salesforce value (case and spacing are ignored) mapped to different CRM values."
                    )
                seen[key] = sf_value
            if values:
                clean.setdefault(object_type, {})[field_name] = dict(values)
    return clean


def get(org_id) -> dict:
    """The stored mappings (the GET body); {} when the org has none."""
    stored = ImportPreferences.objects.filter(org_id=org_id).values_list("value_mappings", flat=True).first()
    return stored if isinstance(stored, dict) else {}


def _locked_preferences(org_id) -> ImportPreferences:
    ImportPreferences.objects.get_or_create(org_id=org_id)
    return ImportPreferences.objects.select_for_update().get(org_id=org_id)


def put(org_id, body) -> dict:
    """Replace the org's mappings with `body` (validated); returns what is stored."""
    clean = validate(body)
    with transaction.atomic():
        prefs = _locked_preferences(org_id)
        prefs.value_mappings = clean
        prefs.save(update_fields=["value_mappings", "updated_at"])
    return clean


def set_one(org_id, object_type: str, field: str, sf_value: str, crm_value: str | None) -> dict:
    """Map one Salesforce value (None removes its mapping), keeping the others: the import
    page's forms. A stored key that is the same value (case and spacing ignored) is replaced.
    Only the new entry is validated, so an entry saved before the code changed can still be
    removed."""
    if crm_value is not None:
        validate({object_type: {field: {sf_value: crm_value}}})
    with transaction.atomic():
        prefs = _locked_preferences(org_id)
        current = prefs.value_mappings if isinstance(prefs.value_mappings, dict) else {}
        merged = {
            ot: {f: dict(vals) for f, vals in fields.items() if isinstance(vals, dict)}
            for ot, fields in current.items()
            if isinstance(fields, dict)
        }
        values = merged.setdefault(object_type, {}).setdefault(field, {})
        key = normalise(sf_value)
        for existing in [name for name in values if normalise(name) == key]:
            del values[existing]
        if crm_value is not None:
            values[sf_value] = crm_value
        if not values:
            del merged[object_type][field]
        if not merged[object_type]:
            del merged[object_type]
        prefs.value_mappings = merged
        prefs.save(update_fields=["value_mappings", "updated_at"])
    return merged


def overrides_for(org_id) -> dict:
    """The org's mappings as the engine applies them, before the built-in picklist tables:
    `{object_type: {Salesforce field: {normalised Salesforce value: CRM value}}}`.

    Keys are normalised like `Picklist` compares values: `" ".join(str(v).split()).casefold()`
    (see `normalise`), so look a raw Salesforce value up with `normalise(raw)`. Entries that
    are no longer valid (a field or CRM choice the code dropped since they were saved) are
    left out, so an override never gives a record a value the CRM does not have.

    Call it in the org's context (`org_context(org_id)`, as the engine runs): the mappings
    are read through the org-scoped manager, and a call outside that context raises rather
    than quietly finding no mappings."""
    if str(current_org_id() or "") != str(org_id):
        raise RuntimeError(f"overrides_for({org_id}) needs that org's context (common.rls.org_context)")
    known = mappable_fields()
    result: dict = {}
    for object_type, fields in get(org_id).items():
        if not isinstance(fields, dict) or object_type not in known:
            continue
        for field, values in fields.items():
            mappable = known[object_type].get(field)
            if mappable is None or not isinstance(values, dict):
                continue
            table = {
                normalise(sf_value): crm_value
                for sf_value, crm_value in values.items()
                if isinstance(crm_value, str) and crm_value in mappable.values and str(sf_value).strip()
            }
            if table:
                result.setdefault(object_type, {})[field] = table
    return result
