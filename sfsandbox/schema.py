"""The sObjects the sandbox serves and their standard fields, typed as Salesforce describes them.

Lengths, types and picklist values follow the Salesforce Field Reference Guide
(https://developer.salesforce.com/docs/atlas.en-us.sfFieldRef.meta/sfFieldRef/) for the
standard objects; only the fields the importer reads (plus system fields) are modelled.
"""

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


@dataclass(frozen=True)
class ObjectDef:
    name: str
    label: str
    label_plural: str
    fields: tuple[FieldDef, ...]
    by_lower_name: dict[str, FieldDef] = field(default_factory=dict, compare=False, repr=False)

    @property
    def key_prefix(self) -> str:
        return KEY_PREFIXES[self.name]

    def get(self, field_name: str) -> FieldDef | None:
        return self.by_lower_name.get(field_name.lower())


# Picklist values as a new org ships them.
INDUSTRIES = (
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Environmental",
    "Finance",
    "Food & Beverage",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Machinery",
    "Manufacturing",
    "Media",
    "Not For Profit",
    "Recreation",
    "Retail",
    "Shipping",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Utilities",
    "Other",
)
ACCOUNT_TYPES = (
    "Prospect",
    "Customer - Direct",
    "Customer - Channel",
    "Channel Partner / Reseller",
    "Installation Partner",
    "Technology Partner",
    "Other",
)
LEAD_SOURCES = ("Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other")
# (StageName, default probability, IsClosed, IsWon)
OPPORTUNITY_STAGES = (
    ("Prospecting", 10, False, False),
    ("Qualification", 10, False, False),
    ("Needs Analysis", 20, False, False),
    ("Value Proposition", 50, False, False),
    ("Id. Decision Makers", 60, False, False),
    ("Perception Analysis", 70, False, False),
    ("Proposal/Price Quote", 75, False, False),
    ("Negotiation/Review", 90, False, False),
    ("Closed Won", 100, True, True),
    ("Closed Lost", 0, True, False),
)
OPPORTUNITY_TYPES = (
    "Existing Customer - Upgrade",
    "Existing Customer - Replacement",
    "Existing Customer - Downgrade",
    "New Customer",
)
ORDER_STATUSES = ("Draft", "Activated")
QUOTE_STATUSES = (
    "Draft",
    "Needs Review",
    "In Review",
    "Approved",
    "Rejected",
    "Presented",
    "Accepted",
    "Denied",
)
PRODUCT_FAMILIES = ("None", "Hardware", "Software", "Services", "Training")
SALUTATIONS = ("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")
CURRENCIES = ("USD", "EUR", "GBP", "JPY")
TIME_ZONES = ("America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Berlin")


def _id() -> FieldDef:
    return FieldDef(
        "Id",
        "id",
        "Record ID",
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


def _system_fields(*, owned: bool) -> tuple[FieldDef, ...]:
    system = (
        _boolean("IsDeleted", "Deleted", writable=False),
        FieldDef(
            "CreatedDate",
            "datetime",
            "Created Date",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
        FieldDef(
            "LastModifiedDate",
            "datetime",
            "Last Modified Date",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
        FieldDef(
            "SystemModstamp",
            "datetime",
            "System Modstamp",
            nillable=False,
            createable=False,
            updateable=False,
            defaulted_on_create=True,
        ),
    )
    if owned:
        owner = FieldDef(
            "OwnerId",
            "reference",
            "Owner ID",
            length=18,
            nillable=False,
            reference_to=("User",),
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


def _object(name: str, label: str, plural: str, fields: tuple[FieldDef, ...]) -> ObjectDef:
    obj = ObjectDef(name, label, plural, fields)
    obj.by_lower_name.update({f.name.lower(): f for f in fields})
    return obj


# Objects without an owner in Salesforce (detail records, price books, users) get no OwnerId.
_OBJECT_FIELDS: dict[str, tuple[str, str, tuple[FieldDef, ...]]] = {
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
    "Account": (
        "Account",
        "Accounts",
        (
            _id(),
            _text("Name", "Account Name", 255, nillable=False, name_field=True),
            _picklist("Type", "Account Type", ACCOUNT_TYPES),
            _text("AccountNumber", "Account Number", 40),
            FieldDef("Website", "url", "Website", length=255),
            FieldDef("Phone", "phone", "Account Phone", length=40),
            FieldDef("Fax", "phone", "Account Fax", length=40),
            _picklist("Industry", "Industry", INDUSTRIES),
            FieldDef("NumberOfEmployees", "int", "Employees", digits=8),
            _currency("AnnualRevenue", "Annual Revenue", scale=0),
            _textarea("Description", "Account Description", 32000),
            *_address("Billing", "Billing"),
            *_address("Shipping", "Shipping"),
            *_system_fields(owned=True),
        ),
    ),
    "Contact": (
        "Contact",
        "Contacts",
        (
            _id(),
            _ref("AccountId", "Account ID", "Account"),
            _picklist("Salutation", "Salutation", SALUTATIONS, length=40),
            _text("FirstName", "First Name", 40),
            _text("LastName", "Last Name", 80, nillable=False),
            _text("Name", "Full Name", 121, name_field=True, writable=False),
            FieldDef("Email", "email", "Email", length=80),
            FieldDef("Phone", "phone", "Business Phone", length=40),
            FieldDef("MobilePhone", "phone", "Mobile Phone", length=40),
            _text("Title", "Title", 128),
            _text("Department", "Department", 80),
            _picklist("LeadSource", "Lead Source", LEAD_SOURCES),
            _boolean("DoNotCall", "Do Not Call"),
            _boolean("HasOptedOutOfEmail", "Email Opt Out"),
            _date("Birthdate", "Birthdate"),
            *_address("Mailing", "Mailing"),
            _textarea("Description", "Contact Description", 32000),
            *_system_fields(owned=True),
        ),
    ),
    "Opportunity": (
        "Opportunity",
        "Opportunities",
        (
            _id(),
            _ref("AccountId", "Account ID", "Account"),
            _text("Name", "Name", 120, nillable=False, name_field=True),
            _textarea("Description", "Description", 32000),
            _picklist("StageName", "Stage", tuple(s[0] for s in OPPORTUNITY_STAGES), nillable=False),
            _currency("Amount", "Amount"),
            _number("Probability", "Probability (%)", "percent", 3, 0),
            _date("CloseDate", "Close Date", nillable=False),
            _picklist("Type", "Opportunity Type", OPPORTUNITY_TYPES),
            _text("NextStep", "Next Step", 255),
            _picklist("LeadSource", "Lead Source", LEAD_SOURCES),
            _boolean("IsClosed", "Closed", writable=False),
            _boolean("IsWon", "Won", writable=False),
            _ref("Pricebook2Id", "Price Book ID", "Pricebook2"),
            *_system_fields(owned=True),
        ),
    ),
    "Product2": (
        "Product",
        "Products",
        (
            _id(),
            _text("Name", "Product Name", 255, nillable=False, name_field=True),
            _text("ProductCode", "Product Code", 255),
            _textarea("Description", "Product Description", 4000),
            _boolean("IsActive", "Active"),
            _picklist("Family", "Product Family", PRODUCT_FAMILIES, length=40),
            *_system_fields(owned=False),
        ),
    ),
    "Pricebook2": (
        "Price Book",
        "Price Books",
        (
            _id(),
            _text("Name", "Price Book Name", 255, nillable=False, name_field=True),
            _boolean("IsActive", "Active"),
            _boolean("IsStandard", "Is Standard Price Book", writable=False),
            _text("Description", "Description", 255),
            *_system_fields(owned=False),
        ),
    ),
    "PricebookEntry": (
        "Price Book Entry",
        "Price Book Entries",
        (
            _id(),
            _text("Name", "Product Name", 255, name_field=True, writable=False),
            _ref("Pricebook2Id", "Price Book ID", "Pricebook2", nillable=False),
            _ref("Product2Id", "Product ID", "Product2", nillable=False),
            _currency("UnitPrice", "List Price"),
            _boolean("IsActive", "Active"),
            _boolean("UseStandardPrice", "Use Standard Price"),
            _text("ProductCode", "Product Code", 255, writable=False),
            *_system_fields(owned=False),
        ),
    ),
    "Order": (
        "Order",
        "Orders",
        (
            _id(),
            FieldDef(
                "OrderNumber",
                "string",
                "Order Number",
                length=30,
                nillable=False,
                createable=False,
                updateable=False,
                auto_number=True,
                name_field=True,
                defaulted_on_create=True,
            ),
            _text("Name", "Order Name", 80),
            _picklist("Status", "Status", ORDER_STATUSES, length=40, nillable=False, default="Draft"),
            _ref("AccountId", "Account ID", "Account"),
            _ref("BillToContactId", "Bill To Contact ID", "Contact"),
            _ref("ShipToContactId", "Ship To Contact ID", "Contact"),
            _ref("OpportunityId", "Opportunity ID", "Opportunity"),
            _ref("Pricebook2Id", "Price Book ID", "Pricebook2"),
            _date("EffectiveDate", "Order Start Date", nillable=False),
            FieldDef("ActivatedDate", "datetime", "Activated Date"),
            _date("EndDate", "Order End Date"),
            _currency("TotalAmount", "Order Amount", writable=False),
            _textarea("Description", "Description", 32000),
            *_address("Billing", "Billing"),
            *_address("Shipping", "Shipping"),
            *_system_fields(owned=True),
        ),
    ),
    "OrderItem": (
        "Order Product",
        "Order Products",
        (
            _id(),
            _ref("OrderId", "Order ID", "Order", nillable=False),
            _ref("Product2Id", "Product ID", "Product2"),
            _ref("PricebookEntryId", "Price Book Entry ID", "PricebookEntry", nillable=False),
            _text("Description", "Line Description", 255),
            _number("Quantity", "Quantity", "double", 18, 2, nillable=False),
            _currency("UnitPrice", "Unit Price"),
            _currency("TotalPrice", "Total Price", writable=False),
            FieldDef(
                "OrderItemNumber",
                "string",
                "Order Product Number",
                length=10,
                nillable=False,
                createable=False,
                updateable=False,
                auto_number=True,
                name_field=True,
                defaulted_on_create=True,
            ),
            *_system_fields(owned=False),
        ),
    ),
    "Quote": (
        "Quote",
        "Quotes",
        (
            _id(),
            _text("Name", "Quote Name", 255, nillable=False, name_field=True),
            FieldDef(
                "QuoteNumber",
                "string",
                "Quote Number",
                length=30,
                nillable=False,
                createable=False,
                updateable=False,
                auto_number=True,
                defaulted_on_create=True,
            ),
            _picklist("Status", "Status", QUOTE_STATUSES, length=40, default="Draft"),
            _ref("AccountId", "Account ID", "Account", writable=False),
            _ref("ContactId", "Contact ID", "Contact"),
            _ref("OpportunityId", "Opportunity ID", "Opportunity", nillable=False),
            _ref("Pricebook2Id", "Price Book ID", "Pricebook2"),
            _currency("Subtotal", "Subtotal", writable=False),
            _currency("TotalPrice", "Total Price", writable=False),
            _number("Discount", "Discount", "percent", 3, 2, writable=False),
            _currency("Tax", "Tax"),
            _currency("GrandTotal", "Grand Total", writable=False),
            _date("ExpirationDate", "Expiration Date"),
            _textarea("Description", "Description", 32000),
            *_system_fields(owned=False),
        ),
    ),
    "QuoteLineItem": (
        "Quote Line Item",
        "Quote Line Items",
        (
            _id(),
            _ref("QuoteId", "Quote ID", "Quote", nillable=False),
            _ref("Product2Id", "Product ID", "Product2"),
            _ref("PricebookEntryId", "Price Book Entry ID", "PricebookEntry", nillable=False),
            _text("Description", "Line Item Description", 255),
            _number("Quantity", "Quantity", "double", 12, 2, nillable=False),
            _currency("UnitPrice", "Sales Price"),
            _currency("Subtotal", "Subtotal", writable=False),
            _currency("TotalPrice", "Total Price", writable=False),
            _number("Discount", "Discount", "percent", 5, 2),
            FieldDef(
                "LineNumber",
                "string",
                "Line Item Number",
                length=255,
                nillable=False,
                createable=False,
                updateable=False,
                auto_number=True,
                name_field=True,
                defaulted_on_create=True,
            ),
            FieldDef("SortOrder", "int", "Sort Order", digits=9),
            *_system_fields(owned=False),
        ),
    ),
}

CURRENCY_FIELD = _picklist("CurrencyIsoCode", "Currency ISO Code", CURRENCIES, length=3, default="USD")

# Generation order: parents before children (lookups point at real records).
OBJECT_NAMES = tuple(_OBJECT_FIELDS)


def build_objects(
    *, multi_currency: bool = False, hidden_fields: dict[str, list[str]] | None = None
) -> dict[str, ObjectDef]:
    """Object definitions as this org exposes them (field-level security, currencies)."""
    hidden = {obj: {f.lower() for f in names} for obj, names in (hidden_fields or {}).items()}
    objects = {}
    for name, (label, plural, fields) in _OBJECT_FIELDS.items():
        visible = tuple(f for f in fields if f.name.lower() not in hidden.get(name, set()))
        if multi_currency:
            visible += (CURRENCY_FIELD,)
        objects[name] = _object(name, label, plural, visible)
    return objects
