"""Product2, Pricebook2 and PricebookEntry."""

from __future__ import annotations

from sfsandbox.schema.fields import (
    _boolean,
    _currency,
    _id,
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
}
