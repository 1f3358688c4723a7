"""The declarative mapping: one ObjectMapping per Salesforce object, built from FieldMap rows.

`ObjectMapping.convert` turns one Salesforce record (REST JSON or Bulk CSV, see values.py) into
CRM field values, Salesforce references for the engine to resolve, and problems. It is pure and
never raises: one odd record must not stop a batch.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .picklists import Picklist, UnknownValue, picklist_key
from .values import Invalid, country, datetime_value, shown, text

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    field: str  # the Salesforce field name ("" for the record as a whole)
    message: str
    severity: str  # ERROR | WARNING


@dataclass
class Converted:
    values: dict = field(default_factory=dict)  # CRM field -> python value; no FK fields
    references: dict = field(default_factory=dict)  # CRM FK field -> (Salesforce object, Salesforce Id)
    problems: list = field(default_factory=list)
    other_links: dict = field(default_factory=dict)  # polymorphic links to kinds the CRM lacks
    owner_id: str = ""  # Salesforce OwnerId (a User or a Queue), for the engine to map to a member
    creator_id: str = ""  # Salesforce CreatedById
    unknown: list = field(default_factory=list)  # (Salesforce field, picklist value, CRM value it got)
    custom_lookups: list = field(default_factory=list)  # (custom field, Salesforce Id) to resolve
    unresolved_lookups: list = field(default_factory=list)  # ... the engine found no CRM record for

    @property
    def ok(self) -> bool:
        return not any(problem.severity == ERROR for problem in self.problems)


@dataclass(frozen=True)
class NaturalKey:
    field: str
    case_insensitive: bool
    match_existing: bool  # a key held by CRM data that was never imported => the record is "matched"
    on_duplicate: str  # "suffix" | "clear"

    def normalize(self, value) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if not text:
            return None
        # lower(), not casefold(): the CRM's unique constraint compares Lower(field) in PostgreSQL,
        # and casefold() would call "Straße" and "STRASSE" equal where the database does not.
        return text.lower() if self.case_insensitive else text


# Salesforce key prefixes of kinds the CRM has no table for, to name them in warnings.
OTHER_KINDS = {"005": "User", "00G": "Group", "701": "Campaign", "00D": "Organization", "02i": "Asset"}


@dataclass(frozen=True)
class Polymorphic:
    """A lookup that may point at several kinds (Task.WhatId, Note.ParentId): the Id's key
    prefix chooses the CRM FK. `targets`: {key prefix: (CRM FK field, Salesforce object)}.
    A kind the CRM has no FK for is kept in `custom_fields` under the field's name."""

    sf: str
    targets: dict
    # Kinds that are not what the record is about (a Lightning note's link to its owner's
    # library is a User): skipped without a word.
    ignore_prefixes: tuple = ()


@dataclass(frozen=True)
class FieldMap:
    """One row of a mapping table: Salesforce field `sf` -> CRM field `crm` through `convert`.

    `also` names more Salesforce fields the converter needs (StageName needs IsClosed and IsWon);
    the converter then gets the tuple (sf, *also) of raw values. Problems are reported under `sf`.
    """

    sf: str
    crm: str
    convert: Callable
    required: bool = False
    also: tuple = ()


def address_fields(sf_prefix: str, crm_prefix: str = "") -> tuple:
    """Salesforce's compound address (Billing*, Mailing*, Shipping*) -> the CRM's address columns."""
    crm = f"{crm_prefix}_" if crm_prefix else ""
    return (
        FieldMap(f"{sf_prefix}Street", f"{crm}address_line", text),
        FieldMap(f"{sf_prefix}City", f"{crm}city", text),
        FieldMap(f"{sf_prefix}State", f"{crm}state", text),
        FieldMap(f"{sf_prefix}PostalCode", f"{crm}postcode", text),
        FieldMap(f"{sf_prefix}Country", f"{crm}country", country),
    )


@dataclass(frozen=True)
class ObjectMapping:
    sobject: str
    model: type
    fields: tuple  # FieldMap rows
    references: tuple = ()  # (Salesforce field, CRM FK field, target Salesforce object)
    natural_key: NaturalKey | None = None
    parent_field: str | None = None
    optional_fields: frozenset = frozenset()
    polymorphic: tuple = ()  # Polymorphic rows
    # Task and Event: activities older than a year are archived and only queryAll returns them.
    query_all: bool = False
    # Pseudo-fields the engine fills in from other calls (a Lightning note's body): never selected.
    fetched_fields: frozenset = frozenset()

    def __post_init__(self):
        # Resolve the model fields once, at import: a typo in a table fails loudly here, not per record.
        meta = self.model._meta
        targets = {row.crm: meta.get_field(row.crm) for row in self.fields}
        for _sf, crm, _target in self.references:
            if not meta.get_field(crm).many_to_one:
                raise ValueError(f"{self.model.__name__}.{crm} is not a foreign key")
        if self.natural_key and self.natural_key.field not in targets:
            raise ValueError(f"natural key {self.natural_key.field} is not a mapped field")
        if self.parent_field and self.parent_field not in {crm for _sf, crm, _t in self.references}:
            raise ValueError(f"parent field {self.parent_field} has no reference row")
        read = ["Id"]
        read += [name for row in self.fields for name in (row.sf, *row.also)]
        read += [sf for sf, _crm, _target in self.references]
        read += [poly.sf for poly in self.polymorphic]
        for poly in self.polymorphic:
            for crm, _target in poly.targets.values():
                if not meta.get_field(crm).many_to_one:
                    raise ValueError(f"{self.model.__name__}.{crm} is not a foreign key")
        has_owner = any(f.name == "owner" for f in meta.concrete_fields)
        # Who owns and who created each record, and when: read when the org lets us (line items
        # have no OwnerId), never a warning when not.
        audit = ("OwnerId", "CreatedById", "CreatedDate") if has_owner else ("CreatedById", "CreatedDate")
        object.__setattr__(self, "has_owner", has_owner)
        object.__setattr__(self, "audit_fields", tuple(name for name in audit if name not in read))
        object.__setattr__(self, "_targets", targets)
        # Each row as a plain tuple, unpacked in the loop that runs for every field of every
        # record: cheaper than reading five attributes of a FieldMap each time.
        object.__setattr__(
            self,
            "_steps",
            tuple(
                (
                    row.sf,
                    (row.sf, *row.also) if row.also else None,
                    row.convert,
                    targets[row.crm],
                    row.required,
                    row.crm,
                    row,
                )
                for row in self.fields
            ),
        )
        # The picklist table behind each row that has one: an admin's value mapping applies first.
        picklists = {}
        for row in self.fields:
            table = (
                row.convert if isinstance(row.convert, Picklist) else getattr(row.convert, "picklist", None)
            )
            if table is not None:
                picklists[row.sf] = table
        object.__setattr__(self, "picklists", picklists)
        read = [name for name in read if name not in self.fetched_fields]
        object.__setattr__(self, "_soql_fields", tuple(dict.fromkeys(read)))

    @property
    def soql_fields(self) -> list[str]:
        return list(self._soql_fields)

    @property
    def self_references(self) -> frozenset:
        """CRM FK fields pointing at the same Salesforce object (a parent account, a manager)."""
        return frozenset(crm for _sf, crm, target in self.references if target == self.sobject)

    def model_field(self, name: str):
        return self._targets.get(name) or self.model._meta.get_field(name)

    def convert(self, record: dict, custom_fields: tuple = (), overrides: dict | None = None) -> Converted:
        """`custom_fields`: the org's readable custom fields of this object (CustomField rows);
        `overrides`: the admin's value mappings for it, {Salesforce field: {picklist_key(value):
        CRM value}}, applied before the built-in tables."""
        try:
            return self._convert(record, custom_fields, overrides)
        except Exception as exc:  # a converter bug must cost one record, not the batch
            message = f"could not convert the record ({type(exc).__name__}: {shown(str(exc))})"
            return Converted(problems=[Problem("", message, ERROR)])

    def _convert(self, record: dict, custom_fields: tuple, overrides: dict | None) -> Converted:
        get = _reader(record)
        exact = record.get  # most fields are there by their exact name: no closure call for them
        result = Converted()
        problems = result.problems
        values = result.values
        warnings: list[str] = []  # reused across fields: this loop runs for every record
        warn = warnings.append
        for sf, names, convert, target, required, crm, row in self._steps:
            if names is None:
                raw = exact(sf, _MISSING)
                if raw is _MISSING:
                    raw = get(sf)
            else:
                raw = tuple(get(name) for name in names)
            if overrides and sf in overrides and self._override(row, raw, overrides[sf], result):
                continue
            try:
                value = convert(raw, target, warn)
            except Invalid as exc:
                problems.append(Problem(sf, str(exc), ERROR))
                warnings.clear()
                continue
            if warnings:
                problems.extend(Problem(sf, message, WARNING) for message in warnings)
                result.unknown.extend(
                    (sf, m.value, m.mapped_to) for m in warnings if isinstance(m, UnknownValue)
                )
                warnings.clear()
            if required and (value is None or value == ""):
                problems.append(Problem(sf, f"{sf} is required but empty; the record is not imported", ERROR))
                continue
            values[crm] = value
        for sf, crm, target in self.references:
            raw = get(sf)
            if isinstance(raw, str) and raw.strip():
                result.references[crm] = (target, raw.strip())
            elif raw is not None and not isinstance(raw, str):
                problems.append(Problem(sf, f"{shown(raw)} is not a Salesforce Id; left empty", WARNING))
        if self.polymorphic:
            self._polymorphic(get, result)
        self._audit(get, result)
        if custom_fields:
            from .custom import convert_custom  # custom.py builds on this module

            custom, custom_problems, result.custom_lookups = convert_custom(get, custom_fields)
            result.values["custom_fields"] = custom
            problems.extend(custom_problems)
        if result.other_links:
            result.values.setdefault("custom_fields", {}).update(result.other_links)
        return result

    def _override(self, row: FieldMap, raw, mapping: dict, result: Converted) -> bool:
        """An admin's value mapping for this picklist value, if there is one (True: applied).
        A value the built-in table does not know stays listed as unknown, with its mapping."""
        value = raw[0] if row.also else raw
        if not isinstance(value, str) or not value.strip():
            return False
        mapped = mapping.get(picklist_key(value))
        if mapped is None:
            return False
        result.values[row.crm] = mapped
        table = self.picklists.get(row.sf)
        if table is None or table.lookup(value) is None:
            result.unknown.append((row.sf, value, mapped))
        return True

    def _polymorphic(self, get, result: Converted) -> None:
        others = []
        for poly in self.polymorphic:
            raw = get(poly.sf)
            # One Id, or a list of them (a Lightning note shared with several records).
            values = raw if isinstance(raw, list) else [raw]
            kept = []
            for value in values:
                if value is None or value == "":
                    continue
                if not _looks_like_an_id(value):
                    result.problems.append(
                        Problem(poly.sf, f"{shown(value)} is not a Salesforce Id; left empty", WARNING)
                    )
                    continue
                sf_id = value.strip()
                if sf_id[:3] in poly.ignore_prefixes:
                    continue
                target = poly.targets.get(sf_id[:3])
                if target is not None and target[0] not in result.references:
                    result.references[target[0]] = (target[1], sf_id)  # WhatId before AccountId
                    continue
                if target is not None and result.references[target[0]][1] == sf_id:
                    continue  # the same record twice (AccountId repeating WhatId)
                kind = target[1] if target else OTHER_KINDS.get(sf_id[:3], f"key prefix {sf_id[:3]}")
                kept.append({"salesforce_id": sf_id, "id": None, "object_type": kind})
                others.append(f"{poly.sf} {sf_id} ({kind})")
            if kept:
                result.other_links[poly.sf] = kept[0] if not isinstance(raw, list) else kept
        if others:
            result.problems.append(
                Problem(
                    others[0].split(" ")[0],
                    "Links the CRM has no place for (another kind, or a second of one kind), "
                    f"kept in custom fields: {', '.join(others)}.",
                    WARNING,
                )
            )

    def _audit(self, get, result: Converted) -> None:
        creator, created = get("CreatedById"), get("CreatedDate")
        if self.has_owner:  # line items have no OwnerId: not looked for (a miss is a slow read)
            owner = get("OwnerId")
            if isinstance(owner, str):
                result.owner_id = owner.strip()
        if isinstance(creator, str):
            result.creator_id = creator.strip()
        if created is not None and created != "":
            try:
                result.values["created_at"] = datetime_value(created, None, None)
            except Invalid:
                result.problems.append(
                    Problem("CreatedDate", f"{shown(created)} is not a date and time; created now", WARNING)
                )

    def disambiguate(self, value: str, salt: str) -> str:
        """`value (Id)` with the record's whole Salesforce Id, cut to fit the column.

        The whole 18-character Id: a tail of it repeats across records (its last three
        characters are a checksum), and the 15-character form is unique only case-sensitively,
        while the CRM compares names case-insensitively. It also lets an admin find the
        record in Salesforce."""
        if self.natural_key is None:
            raise ValueError(f"{self.sobject} has no natural key to disambiguate")
        limit = self._targets[self.natural_key.field].max_length
        suffix = f" ({str(salt).strip()})"
        return value[: max(limit - len(suffix), 0)].rstrip() + suffix


def _looks_like_an_id(value) -> bool:
    return (
        isinstance(value, str)
        and len(value.strip()) in (15, 18)
        and value.strip().isascii()
        and value.strip().isalnum()
    )


_MISSING = object()
# A record's keys -> {lower-cased key: key}, for the case-insensitive read of a field a record
# lacks by its exact name. The records of one query share their keys, so this is worked out
# once per query shape instead of lower-casing every key of every such record.
_KEYS_BY_SHAPE: dict[tuple, dict[str, str]] = {}
_MAX_SHAPES = 256


def _lowered_keys(record: dict) -> dict[str, str]:
    shape = tuple(record)
    keys = _KEYS_BY_SHAPE.get(shape)
    if keys is None:
        keys = {key.lower(): key for key in shape if isinstance(key, str)}
        if len(_KEYS_BY_SHAPE) < _MAX_SHAPES:
            _KEYS_BY_SHAPE[shape] = keys
    return keys


def _reader(record: dict):
    """Field access by exact name, then case-insensitively (the API's field names are; some
    exports lower-case them). A missing key is null. A relationship field (`Product2.Name`)
    is a nested object in REST JSON and a dotted column in Bulk CSV: both are read."""

    def get(name):
        value = record.get(name, _MISSING)
        if value is not _MISSING:
            return value
        if "." in name:
            parent, _, rest = name.partition(".")
            nested = record.get(parent, _MISSING)  # REST JSON's nested parent, by its exact name
            if isinstance(nested, dict):
                return _reader(nested)(rest)
        key = _lowered_keys(record).get(name.lower())
        if key is not None:
            return record[key]
        if "." not in name:
            return None
        parent, _, rest = name.partition(".")
        nested = get(parent)
        return _reader(nested)(rest) if isinstance(nested, dict) else None

    return get
