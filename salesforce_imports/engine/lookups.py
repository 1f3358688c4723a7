"""The importer's per-batch ImportedRecord lookups, each one SQL statement.

Every batch asks "which of these Salesforce Ids are imported, and as what?" a few times,
each with up to a batch's worth of Ids. Through the ORM, compiling the query, quoting the
Id list element by element and the values_list iterable cost more of the worker's CPU than
PostgreSQL spends answering; here the statement is fixed text, the Ids travel as one array
literal and the rows come straight from the cursor. The scope is exactly the org-scoped
manager's (the current org context's rows, none without one), and row-level security
applies as to any query on the connection. Other databases get the ORM's query.
"""

from __future__ import annotations

import uuid

from django.db import connection

from common.rls import current_org_id

from ..models import ImportedRecord

_SALESFORCE_ID = ImportedRecord._meta.get_field("salesforce_id")


def imported(object_type: str, sf_ids) -> dict[str, uuid.UUID]:
    """Salesforce Id -> the CRM record it became (imported or matched)."""
    where = {"salesforce_object_type": object_type}
    return dict(_rows(("salesforce_id", "object_id"), where, "salesforce_id", sf_ids))


def links(object_type: str, sf_ids) -> dict[str, tuple]:
    """Salesforce Id -> (object_id, outcome, synced_at) of its link, for those imported before."""
    rows = _rows(
        ("salesforce_id", "object_id", "outcome", "synced_at"),
        {"salesforce_object_type": object_type},
        "salesforce_id",
        sf_ids,
    )
    return {sf_id: (object_id, outcome, synced_at) for sf_id, object_id, outcome, synced_at in rows}


def owners(content_type_id: int, object_ids) -> dict[uuid.UUID, str]:
    """CRM record -> the Salesforce Id linked to it, for the CRM records linked to one.

    `= ANY`, not a probe per value as `imported`: with statistics taken while the table was
    empty, the planner probes the unique index for this with the org alone (a scan of the
    org's links per value), where `= ANY` reads them at most once per batch. It is asked only
    for the CRM records a batch's natural keys matched."""
    return dict(
        _rows(("object_id", "salesforce_id"), {"content_type_id": content_type_id}, "object_id", object_ids)
    )


def natural_keys(model, field: str, keys, case_insensitive: bool) -> list[tuple]:
    """(pk, `field`) of the current org's `model` rows whose `field` (lower-cased when
    `case_insensitive`) is one of `keys` (non-empty texts, lower-cased by the caller when
    `case_insensitive`): one probe of the model's unique (org, key) index per key. A
    case-insensitive key is compared through the field's lower-cased `<field>_key` column
    (common.models.ci_key), the only form row-level security lets an index answer."""
    keys = list(dict.fromkeys(keys))
    compared = f"{field}_key" if case_insensitive else field
    if connection.vendor != "postgresql":
        return list(model.objects.filter(**{f"{compared}__any": keys}).values_list("pk", field))
    org_id = current_org_id()
    if not org_id or not keys:
        return []
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    key_column = quote(model._meta.get_field(compared).column)
    # OFFSET 0 keeps the subquery a probe per key (a join the planner could flatten and,
    # with stale statistics, answer by scanning the table). `<> ''` lets the planner use a
    # unique index that leaves empty values out (contact emails, product SKUs); the keys are
    # never empty, so it changes no answer.
    sql = (
        f"SELECT found.id, found.value FROM unnest(%s::text[]) AS wanted(key) CROSS JOIN LATERAL ("
        f"SELECT {quote(model._meta.pk.column)} AS id, {column} AS value "
        f"FROM {quote(model._meta.db_table)} "
        f"WHERE org_id = %s AND {column} <> '' AND {key_column} = wanted.key OFFSET 0) AS found"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [keys, org_id])
        return cursor.fetchall()


def _rows(columns: tuple[str, ...], where: dict, any_column: str, values) -> list[tuple]:
    """`columns` of the current org's ImportedRecords matching `where` whose `any_column` is
    one of `values`."""
    values = list(values)
    if connection.vendor != "postgresql":
        query = ImportedRecord.objects.filter(**where, **{f"{any_column}__any": values})
        return list(query.values_list(*columns))
    org_id = current_org_id()
    if not org_id or not values:  # the manager's none(); the __any lookup's 1 = 0
        return []
    conditions = "".join(f" AND {name} = %s" for name in where)
    table = connection.ops.quote_name(ImportedRecord._meta.db_table)
    if any_column == "salesforce_id" and "salesforce_object_type" in where:
        # One probe of the unique (org, type, Salesforce Id) index per Id, whatever the
        # planner believes: during a first import the table grows from nothing to millions of
        # rows faster than statistics follow (and autovacuum may be off), and with `= ANY` a
        # planner that thinks a type has a handful of rows scans all of them for every batch,
        # so each batch cost more than the one before.
        sql = (
            f"SELECT {', '.join(f'found.{c}' for c in columns)} "
            f"FROM unnest(%s::varchar[]) AS wanted(value) CROSS JOIN LATERAL ("
            f"SELECT {', '.join(columns)} FROM {table} "
            f"WHERE org_id = %s{conditions} AND salesforce_id = wanted.value LIMIT 1) AS found"
        )
        params = [id_array(list(dict.fromkeys(values))), org_id, *where.values()]
    else:
        array = id_array(values) if any_column == "salesforce_id" else values
        sql = (
            f"SELECT {', '.join(columns)} FROM {table} "
            f"WHERE org_id = %s{conditions} AND {any_column} = ANY(%s)"
        )
        params = [org_id, *where.values(), array]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def id_array(sf_ids: list) -> str | list:
    """Salesforce Ids as one PostgreSQL array literal when they are all letters and digits (as
    real ones are), each quoted so that an Id spelled NULL stays an Id; else a list, which
    psycopg quotes element by element, as the ORM would."""
    try:
        joined = "".join(sf_ids)
    except TypeError:  # not all text
        joined = ""
    if joined.isascii() and joined.isalnum():
        return '{"' + '","'.join(sf_ids) + '"}'
    return [_SALESFORCE_ID.get_db_prep_value(sf_id, connection) for sf_id in sf_ids]
