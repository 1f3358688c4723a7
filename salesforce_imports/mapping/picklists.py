"""Salesforce picklists -> CRM choices: the Picklist converter, the tables of the standard objects'
picklists, and the status converters whose fallback for an unknown value depends on other fields.

A value a table does not know is still imported (as the table's default, or as IsClosed/IsWon say)
with an UnknownValue warning, so that the job can list it for an admin to map (value_mappings.py).
Converters here follow the contract of values.py: ``convert(raw, field, warn) -> value``.
"""

from accounts.models import Industry
from invoices.models import EstimateStatus
from opportunity.models import LeadSource, OpportunityType, Stage
from orders.models import OrderStatus

from .values import flag, is_null, shown


def _key(label) -> str:
    return " ".join(str(label).split()).casefold()


picklist_key = _key  # how a picklist value is compared (value mappings normalise keys the same way)


class UnknownValue(str):
    """A warning about a picklist value the tables do not know, carrying the value and what it
    became, so that the job can list each unknown value once with its count."""

    def __new__(cls, message: str, value, mapped_to: str):
        text = super().__new__(cls, message)
        text.value, text.mapped_to = str(value), str(mapped_to)
        return text


def unknown(raw, mapped_to: str, message: str) -> UnknownValue:
    return UnknownValue(message, raw, mapped_to)


class Picklist:
    """A Salesforce picklist -> CRM choices converter.

    The CRM's own values and labels match themselves (case and spacing ignored), then `table` maps
    Salesforce's values. Null is the field's default (or empty) silently; an unknown value becomes
    `default` with a warning naming it.
    """

    def __init__(self, choices, table: dict, default: str):
        # Plain str values (not the enum members), so that values compare and print as the CRM stores them.
        self.choices, self.default = choices, str(default)
        self.table = {_key(label): str(value) for value, label in choices.choices}
        self.table |= {_key(value): str(value) for value in choices.values}
        self.table |= {_key(sf_value): str(value) for sf_value, value in table.items()}

    def lookup(self, raw) -> str | None:
        return self.table.get(_key(raw)) if isinstance(raw, str | int | float) else None

    def __call__(self, raw, field, warn) -> str:
        if is_null(raw):  # str(): the model's default is an enum member; store its plain value
            return str(field.get_default()) if field.has_default() else ""
        found = self.lookup(raw)
        if found is None:
            message = f"{shown(raw)} is not a known value; imported as {self.default or '(empty)'}"
            warn(unknown(raw, self.default, message))
            return self.default
        return found


# Salesforce's standard Industry values are exactly the CRM's labels ("Food & Beverage", ...).
INDUSTRY = Picklist(Industry, {}, default="")

STAGE = Picklist(
    Stage,
    {
        "Prospecting": Stage.PROSPECTING,
        "Qualification": Stage.QUALIFICATION,
        "Needs Analysis": Stage.QUALIFICATION,
        "Value Proposition": Stage.PROPOSAL,
        "Id. Decision Makers": Stage.PROPOSAL,
        "Perception Analysis": Stage.PROPOSAL,
        "Proposal/Price Quote": Stage.PROPOSAL,
        "Negotiation/Review": Stage.NEGOTIATION,
        "Closed Won": Stage.CLOSED_WON,
        "Closed Lost": Stage.CLOSED_LOST,
    },
    default=Stage.PROSPECTING,
)

OPPORTUNITY_TYPE = Picklist(
    OpportunityType,
    {
        "New Customer": OpportunityType.NEW_BUSINESS,
        "Existing Customer - Upgrade": OpportunityType.UPSELL,
        "Existing Customer - Replacement": OpportunityType.EXISTING_BUSINESS,
        "Existing Customer - Downgrade": OpportunityType.EXISTING_BUSINESS,
        "Cross Sell": OpportunityType.CROSS_SELL,
    },
    default="",
)

LEAD_SOURCE = Picklist(
    LeadSource,
    {
        "Web": LeadSource.WEBSITE,
        "Phone Inquiry": LeadSource.CALL,
        "Partner Referral": LeadSource.PARTNER,
        "Purchased List": LeadSource.CAMPAIGN,
        "Other": LeadSource.OTHER,
        "Cold Call": LeadSource.CALL,
    },
    default=LeadSource.OTHER,
)

ORDER_STATUS = Picklist(OrderStatus, {"Canceled": OrderStatus.CANCELLED}, default=OrderStatus.DRAFT)

QUOTE_STATUS = Picklist(
    EstimateStatus,
    {
        "Draft": EstimateStatus.DRAFT,
        "Needs Review": EstimateStatus.DRAFT,
        "In Review": EstimateStatus.DRAFT,
        "Approved": EstimateStatus.SENT,
        "Presented": EstimateStatus.SENT,
        "Accepted": EstimateStatus.ACCEPTED,
        "Denied": EstimateStatus.DECLINED,
        "Rejected": EstimateStatus.DECLINED,
    },
    default=EstimateStatus.DRAFT,
)


def opportunity_stage(raw, field, warn) -> str:
    """(StageName, IsClosed, IsWon): the stage table; for a stage it does not know, IsClosed and IsWon
    say whether the deal was won, lost or is still open."""
    stage, is_closed, is_won = raw
    found = None if is_null(stage) else STAGE.lookup(stage)
    if found is not None:
        return found
    closed = flag(is_closed)
    fallback = (Stage.CLOSED_WON if flag(is_won) else Stage.CLOSED_LOST) if closed else Stage.PROSPECTING
    fallback = str(fallback)
    if not is_null(stage):
        warn(
            unknown(
                stage,
                fallback,
                f"{shown(stage)} is not a known stage; imported as {fallback} (IsClosed/IsWon)",
            )
        )
    return fallback


opportunity_stage.picklist = STAGE  # value mappings apply before this table


def closed_decides(table: Picklist, if_closed: str, if_open: str):
    """A status converter for (Status, IsClosed): the table, and for a status it does not
    know, `if_closed` or `if_open` as IsClosed says (Case, Task)."""

    def convert(raw, field, warn) -> str:
        status, is_closed = raw
        found = None if is_null(status) else table.lookup(status)
        if found is not None:
            return found
        fallback = str(if_closed if flag(is_closed) else if_open)
        if not is_null(status):
            warn(
                unknown(
                    status,
                    fallback,
                    f"{shown(status)} is not a known status; imported as {fallback} (IsClosed)",
                )
            )
        return fallback

    convert.picklist = table  # value mappings apply before this table
    return convert
