"""The org's custom fields (`__c`), as an admin would have set them up in Setup.

Describe reports them with `custom: true`; formula fields are `calculated: true` with their
`calculatedFormula`; lookups have `relationshipName` ending in `__r`. Shapes follow the
SOAP API's Field type (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm).
Long and multi-select picklists: multipicklist length is 4099, values joined with ";".
"""

from __future__ import annotations

from sfsandbox.schema.fields import FieldDef


def _c(name: str, type_: str, label: str, **kwargs) -> FieldDef:
    return FieldDef(name, type_, label, custom=True, **kwargs)


def text(name: str, label: str, length: int) -> FieldDef:
    return _c(name, "string", label, length=length)


def textarea(name: str, label: str, length: int = 255) -> FieldDef:
    extra = "plaintextarea"
    return _c(name, "textarea", label, length=length, extra_type_info=extra)


def simple(name: str, type_: str, label: str, length: int) -> FieldDef:
    return _c(name, type_, label, length=length)  # email (80), phone (40), url (255)


def number(name: str, type_: str, label: str, precision: int, scale: int) -> FieldDef:
    return _c(name, type_, label, precision=precision, scale=scale)  # double, currency, percent


def date(name: str, label: str, type_: str = "date") -> FieldDef:
    return _c(name, type_, label)


def checkbox(name: str, label: str) -> FieldDef:
    return _c(name, "boolean", label, nillable=False, defaulted_on_create=True, default_value="false")


def picklist(name: str, label: str, values: tuple[str, ...], *, multi: bool = False) -> FieldDef:
    return _c(
        name,
        "multipicklist" if multi else "picklist",
        label,
        length=4099 if multi else 255,
        picklist_values=values,
        restricted_picklist=False,
    )


def lookup(name: str, label: str, target: str) -> FieldDef:
    return _c(
        name,
        "reference",
        label,
        length=18,
        reference_to=(target,),
        relationship_name=name[:-3] + "__r",
    )


def formula(
    name: str, type_: str, label: str, expression: str, *, length: int = 0, precision: int = 0, scale: int = 0
) -> FieldDef:
    return _c(
        name,
        type_,
        label,
        length=length,
        precision=precision,
        scale=scale,
        createable=False,
        updateable=False,
        calculated=True,
        calculated_formula=expression,
    )


REGIONS = ("AMER", "EMEA", "APAC", "LATAM")
SEGMENTS = ("SMB", "Mid-Market", "Enterprise", "Public Sector", "Nonprofit")
CHANNELS = ("Email", "Phone", "SMS", "Mail")
INTERESTS = ("Cloud", "Security", "Analytics", "AI", "IoT")
COMPETITORS = ("Acme Corp", "Globex", "Initech", "Umbrella", "Hooli")
COLORS = ("Black", "White", "Silver", "Blue", "Red")
DELIVERY_WINDOWS = ("Morning", "Afternoon", "Evening")
PRODUCT_INTERESTS = ("Hardware", "Software", "Services", "Training")
PRODUCT_AREAS = ("Billing", "Installation", "Hardware", "Software")

CUSTOM_FIELDS: dict[str, tuple[FieldDef, ...]] = {
    "Account": (
        picklist("Region__c", "Region", REGIONS),
        picklist("Segments__c", "Segments", SEGMENTS, multi=True),
        date("Customer_Since__c", "Customer Since"),
        number("Credit_Limit__c", "currency", "Credit Limit", 16, 2),
        checkbox("Is_Strategic__c", "Strategic Account"),
        lookup("Primary_Contact__c", "Primary Contact", "Contact"),
        formula(
            "Tier__c",
            "string",
            "Tier",
            'IF(AnnualRevenue >= 10000000, "Enterprise", IF(AnnualRevenue >= 1000000, "Mid-Market", "SMB"))',
            length=1300,
        ),
        number("Internal_Score__c", "double", "Internal Score", 5, 2),  # hidden by FLS
    ),
    "Contact": (
        lookup("Referred_By__c", "Referred By", "Account"),
        picklist("Preferred_Channel__c", "Preferred Channel", CHANNELS),
        picklist("Interests__c", "Interests", INTERESTS, multi=True),
        simple("Secondary_Email__c", "email", "Secondary Email", 80),
        simple("Desk_Phone__c", "phone", "Desk Phone", 40),
        simple("LinkedIn_URL__c", "url", "LinkedIn URL", 255),
        date("Last_Contacted__c", "Last Contacted", "datetime"),
        number("Loyalty_Points__c", "double", "Loyalty Points", 18, 0),
        textarea("Notes__c", "Notes"),
    ),
    "Opportunity": (
        number("Contract_Value__c", "currency", "Contract Value", 18, 2),
        number("Discount_Rate__c", "percent", "Discount Rate", 5, 2),
        picklist("Competitors__c", "Competitors", COMPETITORS, multi=True),
        date("Go_Live_Date__c", "Go-Live Date"),
        lookup("Partner_Account__c", "Partner Account", "Account"),
        text("Deal_Code__c", "Deal Code", 20),
        formula("Expected_Margin__c", "currency", "Expected Margin", "Amount * 0.3", precision=18, scale=2),
    ),
    "Product2": (
        number("Weight_Kg__c", "double", "Weight (kg)", 12, 3),
        number("Warranty_Months__c", "double", "Warranty (months)", 3, 0),
        date("Launch_Date__c", "Launch Date"),
        checkbox("Is_Bundle__c", "Bundle"),
        picklist("Colors__c", "Colors", COLORS, multi=True),
        simple("Spec_Sheet_URL__c", "url", "Spec Sheet", 255),
    ),
    "Order": (
        picklist("Delivery_Window__c", "Delivery Window", DELIVERY_WINDOWS),
        checkbox("Rush_Order__c", "Rush Order"),
        date("Shipped_At__c", "Shipped At", "datetime"),
        text("Tracking_Number__c", "Tracking Number", 40),
        number("Freight_Cost__c", "currency", "Freight Cost", 10, 2),
        formula(
            "Days_To_Ship__c",
            "double",
            "Days to Ship",
            "DATEVALUE(Shipped_At__c) - EffectiveDate",
            precision=18,
        ),
    ),
    "Quote": (
        number("Valid_Days__c", "double", "Valid (days)", 3, 0),
        number("Margin_Percent__c", "percent", "Margin", 5, 2),
        simple("Approver_Email__c", "email", "Approver Email", 80),
        checkbox("Signed__c", "Signed"),
        textarea("Approval_Notes__c", "Approval Notes"),
    ),
    "OpportunityLineItem": (
        text("Line_Note__c", "Line Note", 80),
        number("Cost_Price__c", "currency", "Cost Price", 16, 2),
    ),
    "OrderItem": (checkbox("Gift_Wrap__c", "Gift Wrap"),),
    "Lead": (
        number("Lead_Score__c", "double", "Lead Score", 3, 0),
        picklist("Product_Interest__c", "Product Interest", PRODUCT_INTERESTS),
        date("Trial_Started__c", "Trial Started"),
    ),
    "Case": (
        checkbox("SLA_Breached__c", "SLA Breached"),
        picklist("Product_Area__c", "Product Area", PRODUCT_AREAS),
    ),
    "QuoteLineItem": (
        formula(
            "Line_Margin__c",
            "percent",
            "Line Margin",
            "(UnitPrice - ListPrice) / UnitPrice",
            precision=5,
            scale=2,
        ),
    ),
}

# Field-level security: the sandbox user cannot read these, so describe leaves them out and
# SOQL naming them fails with INVALID_FIELD, as in Salesforce.
HIDDEN_CUSTOM_FIELDS: dict[str, tuple[str, ...]] = {"Account": ("Internal_Score__c",)}
