"""RecordFactory: the index-th record of any object, from the per-family builders."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.currencies import CurrencyBuilders
from sfsandbox.generator.custom import CustomValues
from sfsandbox.generator.orders import OrderBuilders
from sfsandbox.generator.pricing import PricingBuilders
from sfsandbox.generator.sales import SalesBuilders
from sfsandbox.generator.shape import OrgShape
from sfsandbox.generator.users import UserBuilders
from sfsandbox.ids import make_id


class RecordFactory(
    UserBuilders, SalesBuilders, PricingBuilders, OrderBuilders, CurrencyBuilders, CustomValues
):
    """Builds the index-th record of an object, with every field as the REST API returns it."""

    def __init__(self, shape: OrgShape, *, multi_currency: bool = False):
        self.shape = shape
        self.counts = shape.counts
        self.multi_currency = multi_currency
        self._object_numbers = {name: n for n, name in enumerate(shape.counts)}
        self._builders = {
            "User": self._user,
            "Account": self._account,
            "Contact": self._contact,
            "Opportunity": self._opportunity,
            "Product2": self._product,
            "Pricebook2": self._pricebook,
            "PricebookEntry": self._pricebook_entry,
            "Order": self._order,
            "OrderItem": self._order_item,
            "Quote": self._quote,
            "QuoteLineItem": self._quote_line_item,
            "Group": self._group,
            "OpportunityLineItem": self._opportunity_line_item,
            "CurrencyType": self._currency_type,
        }
        self._custom = {
            "Account": self._custom_account,
            "Contact": self._custom_contact,
            "Opportunity": self._custom_opportunity,
            "Product2": self._custom_product,
            "Order": self._custom_order,
            "Quote": self._custom_quote,
            "OpportunityLineItem": self._custom_opportunity_line_item,
            "OrderItem": self._custom_order_item,
            "QuoteLineItem": self._custom_quote_line_item,
        }
        self._product_cache: dict[int, tuple[str, str | None]] = {}
        users = max(1, shape.counts["User"])
        self._user_ids = tuple(make_id("User", i) for i in range(users))
        self._build_pools()
        self._long_text = "".join(words.LOREM[i % len(words.LOREM)] for i in range(700))
