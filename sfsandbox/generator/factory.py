"""RecordFactory: the index-th record of any object, from the per-family builders."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.activities import ActivityBuilders
from sfsandbox.generator.currencies import CurrencyBuilders
from sfsandbox.generator.custom import CustomValues
from sfsandbox.generator.notes import NoteBuilders
from sfsandbox.generator.orders import OrderBuilders
from sfsandbox.generator.pricing import PricingBuilders
from sfsandbox.generator.sales import SalesBuilders
from sfsandbox.generator.service import ServiceBuilders
from sfsandbox.generator.shape import OrgShape
from sfsandbox.generator.users import UserBuilders
from sfsandbox.ids import make_id


class RecordFactory(
    UserBuilders,
    SalesBuilders,
    PricingBuilders,
    OrderBuilders,
    CurrencyBuilders,
    ServiceBuilders,
    ActivityBuilders,
    NoteBuilders,
    CustomValues,
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
            "Lead": self._lead,
            "Case": self._case,
            "Campaign": self._campaign,
            "Task": self._task,
            "Event": self._event,
            "Note": self._note,
            "ContentNote": self._content_note,
            "ContentDocumentLink": self._content_document_link,
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
            "Lead": self._custom_lead,
            "Case": self._custom_case,
        }
        self._product_cache: dict[int, tuple[str, str | None]] = {}
        self._line_slots: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        self._list_prices: dict[tuple[int, int, int], float] = {}
        users = max(1, shape.counts["User"])
        self._user_ids = tuple(make_id("User", i) for i in range(users))
        self._build_pools()
        self._long_text = "".join(words.LOREM[i % len(words.LOREM)] for i in range(700))
        self._notes_text = tuple(line.strip() for line in words.LOREM)
        self._archived: dict[str, tuple[list[int], frozenset[int]]] = {}

    def archived_indices(self, object_name: str) -> tuple[list[int], frozenset[int]]:
        """Sorted indices (and their set) of the generated records Salesforce has archived.

        Computed from the index alone on first use (about 1 us per Task or Event).
        """
        found = self._archived.get(object_name)
        if found is None:
            test = {"Task": self.task_archived, "Event": self.event_archived}.get(object_name)
            indices = [i for i in range(self.counts[object_name]) if test(i)] if test else []
            found = self._archived[object_name] = (indices, frozenset(indices))
        return found
