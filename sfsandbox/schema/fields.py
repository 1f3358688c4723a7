"""Field and object definitions, and the constructors the object modules use."""

from __future__ import annotations

from dataclasses import dataclass, field

from sfsandbox.ids import KEY_PREFIXES


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str  # describe "type": id, string, textarea, picklist, email, phone, url, currency...
    label: str
    length: int = 0
    nillable: bool = True
    createable: bool = True
    updateable: bool = True
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    picklist_values: tuple[str, ...] = ()
    precision: int = 0
    scale: int = 0
    digits: int = 0
    default_value: str | None = None  # picklist default, if any
    name_field: bool = False
    auto_number: bool = False
    defaulted_on_create: bool = False
    custom: bool = False
    calculated: bool = False  # formula field
    calculated_formula: str | None = None
    restricted_picklist: bool = False
    extra_type_info: str | None = None  # "plaintextarea", "richtextarea", ...
    html_formatted: bool = False

    @property
    def polymorphic(self) -> bool:
        return len(self.reference_to) > 1


@dataclass(frozen=True)
class ObjectDef:
    name: str
    label: str
    label_plural: str
    fields: tuple[FieldDef, ...]
    by_lower_name: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)
    deletable: bool = True  # describe's deletable/undeletable (CurrencyType: false)

    @property
    def key_prefix(self) -> str:
        return KEY_PREFIXES[self.name]

    def get(self, field_name: str) -> FieldDef | None:
        return self.by_lower_name.get(field_name.lower())


def _id(label: str = "Record ID") -> FieldDef:
    return FieldDef(
        "Id",
        "id",
        label,
        length=18,
        nillable=False,
        createable=False,
        updateable=False,
        defaulted_on_create=True,
    )


def _text(
    name: str,
    label: str,
    length: int,
    *,
    nillable: bool = True,
    name_field: bool = False,
    writable: bool = True,
) -> FieldDef:
    return FieldDef(
        name,
        "string",
        label,
        length=length,
        nillable=nillable,
        name_field=name_field,
        createable=writable,
        updateable=writable,
    )


def _textarea(name: str, label: str, length: int) -> FieldDef:
    return FieldDef(name, "textarea", label, length=length)


def _picklist(
    name: str,
    label: str,
    values: tuple[str, ...],
    *,
    length: int = 255,
    nillable: bool = True,
    default: str | None = None,
) -> FieldDef:
    return FieldDef(
        name,
        "picklist",
        label,
        length=length,
        nillable=nillable,
        picklist_values=values,
        default_value=default,
    )


def _ref(name: str, label: str, target: str, *, nillable: bool = True, writable: bool = True) -> FieldDef:
    return FieldDef(
        name,
        "reference",
        label,
        length=18,
        nillable=nillable,
        reference_to=(target,),
        relationship_name=name[:-2],
        createable=writable,
        updateable=writable,
    )


def _currency(
    name: str, label: str, *, precision: int = 18, scale: int = 2, writable: bool = True
) -> FieldDef:
    return FieldDef(
        name, "currency", label, precision=precision, scale=scale, createable=writable, updateable=writable
    )


def _number(
    name: str,
    label: str,
    type_: str,
    precision: int,
    scale: int,
    *,
    writable: bool = True,
    nillable: bool = True,
) -> FieldDef:
    return FieldDef(
        name,
        type_,
        label,
        precision=precision,
        scale=scale,
        createable=writable,
        updateable=writable,
        nillable=nillable,
    )


def _boolean(name: str, label: str, *, writable: bool = True) -> FieldDef:
    # Salesforce booleans are never null and are defaulted on create.
    return FieldDef(
        name,
        "boolean",
        label,
        nillable=False,
        createable=writable,
        updateable=writable,
        defaulted_on_create=True,
    )


def _date(name: str, label: str, *, nillable: bool = True, writable: bool = True) -> FieldDef:
    return FieldDef(name, "date", label, nillable=nillable, createable=writable, updateable=writable)


def _audit_ref(name: str, label: str, relationship: str) -> FieldDef:
    return FieldDef(
        name,
        "reference",
        label,
        length=18,
        nillable=False,
        createable=False,
        updateable=False,
        reference_to=("User",),
        relationship_name=relationship,
        defaulted_on_create=True,
    )


def _stamp(name: str, label: str) -> FieldDef:
    return FieldDef(
        name, "datetime", label, nillable=False, createable=False, updateable=False, defaulted_on_create=True
    )


def _system_fields(
    *, owned: bool, owner_to: tuple[str, ...] = ("User",), deletable: bool = True
) -> tuple[FieldDef, ...]:
    """IsDeleted (not on User or Group), the audit fields every object has, and OwnerId."""
    system: tuple[FieldDef, ...] = ()
    if deletable:
        system += (_boolean("IsDeleted", "Deleted", writable=False),)
    system += (
        _audit_ref("CreatedById", "Created By ID", "CreatedBy"),
        _stamp("CreatedDate", "Created Date"),
        _audit_ref("LastModifiedById", "Last Modified By ID", "LastModifiedBy"),
        _stamp("LastModifiedDate", "Last Modified Date"),
        _stamp("SystemModstamp", "System Modstamp"),
    )
    if owned:
        owner = FieldDef(
            "OwnerId",
            "reference",
            "Owner ID",
            length=18,
            nillable=False,
            reference_to=owner_to,
            relationship_name="Owner",
            defaulted_on_create=True,
        )
        system += (owner,)
    return system


def _address(prefix: str, label: str) -> tuple[FieldDef, ...]:
    return (
        _textarea(f"{prefix}Street", f"{label} Street", 255),
        _text(f"{prefix}City", f"{label} City", 40),
        _text(f"{prefix}State", f"{label} State/Province", 80),
        _text(f"{prefix}PostalCode", f"{label} Zip/Postal Code", 20),
        _text(f"{prefix}Country", f"{label} Country", 80),
    )


def _object(
    name: str, label: str, plural: str, fields: tuple[FieldDef, ...], *, deletable: bool = True
) -> ObjectDef:
    obj = ObjectDef(name, label, plural, fields, deletable=deletable)
    obj.by_lower_name.update({f.name.lower(): f for f in fields})
    return obj
