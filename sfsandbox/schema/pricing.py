"""Product2, Pricebook2, PricebookEntry and OpportunityLineItem (products on deals).

OpportunityLineItem: https://developer.salesforce.com/docs/atlas.en-us.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_OpportunityLineItem.htm
(Name is "Opportunity Product Name", 376 = 120 for the opportunity's name + 1 + 255 for the product's).
"""

from __future__ import annotations

from sfsandbox.schema.fields import (
    FieldDef,
    _boolean,
    _currency,
    _date,
    _id,
    _number,
    _picklist,
    _ref,
    _system_fields,
    _text,
    _textarea,
)
from sfsandbox.schema.picklists import PRODUCT_FAMILIES

OBJECTS = {
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
    "OpportunityLineItem": (
        "Opportunity Product",
        "Opportunity Product",
        (
            _id(),
            _ref("OpportunityId", "Opportunity ID", "Opportunity", nillable=False, writable=False),
            _ref("Product2Id", "Product ID", "Product2"),
            _ref("PricebookEntryId", "Price Book Entry ID", "PricebookEntry"),
            _text("Name", "Opportunity Product Name", 376, name_field=True, writable=False),
            _text("ProductCode", "Product Code", 255, writable=False),
            _text("Description", "Line Description", 255),
            _number("Quantity", "Quantity", "double", 12, 2, nillable=False),
            _currency("UnitPrice", "Sales Price"),
            _currency("ListPrice", "List Price", writable=False),
            _currency("Subtotal", "Subtotal", writable=False),
            _currency("TotalPrice", "Total Price"),
            _number("Discount", "Discount", "percent", 5, 2),
            _date("ServiceDate", "Date"),
            FieldDef("SortOrder", "int", "Sort Order", digits=9),
            *_system_fields(owned=False),
        ),
    ),
}
