"""Lead, Case and Campaign.

Field Reference: https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-lead.html
(and -case.html, -campaign.html). Picklist values are those a new org ships with.
"""

from __future__ import annotations

from sfsandbox.schema.fields import (
    FieldDef,
    _boolean,
    _currency,
    _date,
    _id,
    _picklist,
    _ref,
    _system_fields,
    _text,
    _textarea,
)
from sfsandbox.schema.picklists import INDUSTRIES, LEAD_SOURCES, SALUTATIONS

# Lead.Status: the standard lead process (the LeadStatus object), "Open - Not Contacted" default.
LEAD_STATUSES = (
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
)
LEAD_CONVERTED_STATUS = "Closed - Converted"
LEAD_RATINGS = ("Hot", "Warm", "Cold")
# Case.Status (the CaseStatus object): IsClosed is true for "Closed" only.
CASE_STATUSES = ("New", "Working", "Escalated", "Closed")
CASE_PRIORITIES = ("High", "Medium", "Low")
CASE_ORIGINS = ("Phone", "Email", "Web")
CASE_TYPES = ("Mechanical", "Electrical", "Electronic", "Structural", "Other")
CASE_REASONS = (
    "Installation",
    "Equipment Complexity",
    "Performance",
    "Breakdown",
    "Equipment Design",
    "Feedback",
    "Other",
)
CAMPAIGN_STATUSES = ("Planned", "In Progress", "Completed", "Aborted")
CAMPAIGN_TYPES = (
    "Conference",
    "Webinar",
    "Trade Show",
    "Public Relations",
    "Partners",
    "Referral Program",
    "Advertisement",
    "Banner Ads",
    "Direct Mail",
    "Email",
    "Telemarketing",
    "Other",
)


def _ref_named(name: str, label: str, target: str, relationship: str) -> FieldDef:
    return FieldDef(
        name,
        "reference",
        label,
        length=18,
        reference_to=(target,),
        relationship_name=relationship,
        createable=False,
        updateable=False,
    )


OBJECTS = {
    "Lead": (
        "Lead",
        "Leads",
        (
            _id("Lead ID"),
            _picklist("Salutation", "Salutation", SALUTATIONS, length=40),
            _text("FirstName", "First Name", 40),
            _text("LastName", "Last Name", 80, nillable=False),
            _text("Name", "Full Name", 121, name_field=True, writable=False),
            _text("Company", "Company", 255, nillable=False),
            _text("Title", "Title", 128),
            FieldDef("Email", "email", "Email", length=80),
            FieldDef("Phone", "phone", "Phone", length=40),
            FieldDef("MobilePhone", "phone", "Mobile Phone", length=40),
            FieldDef("Website", "url", "Website", length=255),
            _picklist("Industry", "Industry", INDUSTRIES),
            _picklist("Status", "Status", LEAD_STATUSES, length=40, nillable=False, default=LEAD_STATUSES[0]),
            _picklist("LeadSource", "Lead Source", LEAD_SOURCES),
            _picklist("Rating", "Rating", LEAD_RATINGS),
            FieldDef("NumberOfEmployees", "int", "Employees", digits=8),
            _currency("AnnualRevenue", "Annual Revenue", scale=0),
            _textarea("Street", "Street", 255),
            _text("City", "City", 40),
            _text("State", "State/Province", 80),
            _text("PostalCode", "Zip/Postal Code", 20),
            _text("Country", "Country", 80),
            _textarea("Description", "Description", 32000),
            _boolean("IsConverted", "Converted", writable=False),
            _date("ConvertedDate", "Converted Date", writable=False),
            _ref_named("ConvertedAccountId", "Converted Account ID", "Account", "ConvertedAccount"),
            _ref_named("ConvertedContactId", "Converted Contact ID", "Contact", "ConvertedContact"),
            _ref_named(
                "ConvertedOpportunityId", "Converted Opportunity ID", "Opportunity", "ConvertedOpportunity"
            ),
            _boolean("IsUnreadByOwner", "Unread By Owner"),
            *_system_fields(owned=True, owner_to=("Group", "User")),
        ),
    ),
    "Case": (
        "Case",
        "Cases",
        (
            _id("Case ID"),
            FieldDef(
                "CaseNumber",
                "string",
                "Case Number",
                length=30,
                nillable=False,
                createable=False,
                updateable=False,
                auto_number=True,
                name_field=True,
                defaulted_on_create=True,
            ),
            _text("Subject", "Subject", 255),
            _picklist("Status", "Status", CASE_STATUSES, length=40, default="New"),
            _picklist("Priority", "Priority", CASE_PRIORITIES, length=40, default="Medium"),
            _picklist("Origin", "Case Origin", CASE_ORIGINS, length=40),
            _picklist("Type", "Case Type", CASE_TYPES, length=40),
            _picklist("Reason", "Case Reason", CASE_REASONS, length=40),
            _ref("AccountId", "Account ID", "Account"),
            _ref("ContactId", "Contact ID", "Contact"),
            _text("SuppliedName", "Name", 80),
            FieldDef("SuppliedEmail", "email", "Email Address", length=80),
            _boolean("IsClosed", "Closed", writable=False),
            FieldDef("ClosedDate", "datetime", "Closed Date", createable=False, updateable=False),
            _boolean("IsEscalated", "Escalated"),
            _textarea("Description", "Description", 32000),
            *_system_fields(owned=True, owner_to=("Group", "User")),
        ),
    ),
    "Campaign": (
        "Campaign",
        "Campaigns",
        (
            _id("Campaign ID"),
            _text("Name", "Name", 80, nillable=False, name_field=True),
            _picklist("Type", "Type", CAMPAIGN_TYPES, length=40),
            _picklist("Status", "Status", CAMPAIGN_STATUSES, length=40),
            _date("StartDate", "Start Date"),
            _date("EndDate", "End Date"),
            _boolean("IsActive", "Active"),
            _textarea("Description", "Description", 32000),
            *_system_fields(owned=True),
        ),
    ),
}
