"""Deterministic, lazy record generation.

Every record is a pure function of (seed, object, index): nothing is stored per record, so a
1,000,000-record org costs only the small per-object tables in `OrgShape` (deleted and messy
indices). Parent/child links use round-robin arithmetic (the contacts of account `a` are
`a, a + nAccounts, ...`) so a child can find siblings and parents without any index.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from sfsandbox import wordlists as words
from sfsandbox.ids import make_id
from sfsandbox.schema import CURRENCIES, LEAD_SOURCES, OPPORTUNITY_STAGES, OPPORTUNITY_TYPES

# Share of --records per object (documented in README). QuoteLineItem takes the remainder;
# Pricebook2 is fixed (standard + one custom price book) and PricebookEntry = products x books.
PROPORTIONS = {
    "Account": 0.10,
    "Contact": 0.24,
    "Opportunity": 0.14,
    "Product2": 0.015,
    "Order": 0.10,
    "OrderItem": 0.18,
    "Quote": 0.06,
}
DELETED_RATE = 0.02
MESSY_RATE = 0.04
# Objects Salesforce never soft-deletes in practice here (users are deactivated instead).
_NEVER_DELETED = {"User", "Pricebook2", "PricebookEntry"}

MESSY_KINDS = {
    "Account": (
        "duplicate_name",
        "duplicate_name_case",
        "long_text",
        "long_name",
        "unicode",
        "country_variant",
        "unknown_picklist",
        "null_fields",
        "out_of_range",
    ),
    "Contact": (
        "invalid_email",
        "duplicate_email",
        "no_account",
        "deleted_lookup",
        "long_text",
        "long_title",
        "unicode",
        "null_fields",
        "country_variant",
        "unknown_picklist",
    ),
    "Opportunity": (
        "negative_amount",
        "probability_out_of_range",
        "unknown_picklist",
        "null_fields",
        "long_text",
        "deleted_lookup",
        "unicode",
    ),
    "Product2": ("unicode", "long_text", "unknown_picklist", "null_fields"),
    "Order": ("deleted_lookup", "null_fields", "long_text", "country_variant"),
    "OrderItem": ("out_of_range",),
    "Quote": ("null_fields", "out_of_range", "unknown_picklist"),
    "QuoteLineItem": ("out_of_range",),
}

# The org's clock is frozen so the data is the same every run.
NOW = 1748736000  # 2025-06-01T00:00:00Z
_HISTORY_START = 1514764800  # 2018-01-01T00:00:00Z
LONG_TEXT_LENGTH = 32000
_POOL_SIZE = 4096  # Salesforce long text area maximum for Description


_DAYS: dict[int, str] = {}  # day number -> "YYYY-MM-DD"; a few thousand entries at most


def format_date(epoch: int) -> str:
    day = epoch // 86400
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
    return text


def format_datetime(epoch: int) -> str:
    """Salesforce's datetime format, e.g. 2024-01-31T12:00:00.000+0000 (always UTC)."""
    seconds = epoch % 86400
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{format_date(epoch)}T{hours:02d}:{minutes:02d}:{seconds:02d}.000+0000"


def record_counts(records: int) -> dict[str, int]:
    """How many records each object gets for an org of `records` total (at least 1 each).

    records=0 is an org of sample data only: just the sandbox user is generated.
    """
    if records <= 0:
        return {
            name: (1 if name == "User" else 0)
            for name in (
                "User",
                "Account",
                "Contact",
                "Opportunity",
                "Product2",
                "Pricebook2",
                "PricebookEntry",
                "Order",
                "OrderItem",
                "Quote",
                "QuoteLineItem",
            )
        }
    counts = {"User": max(1, min(100, records // 2000))}
    for name in ("Account", "Contact", "Opportunity", "Product2"):
        counts[name] = max(1, round(records * PROPORTIONS[name]))
    counts["Pricebook2"] = 2 if records >= 50 else 1
    counts["PricebookEntry"] = counts["Product2"] * counts["Pricebook2"]
    for name in ("Order", "OrderItem", "Quote"):
        counts[name] = max(1, round(records * PROPORTIONS[name]))
    counts["QuoteLineItem"] = max(1, records - sum(counts.values()))
    return counts


@dataclass
class OrgShape:
    """Everything about the generated population that is not a per-record computation."""

    seed: int
    counts: dict[str, int]
    deleted: dict[str, list[int]] = field(default_factory=dict)  # sorted indices
    deleted_sets: dict[str, frozenset[int]] = field(default_factory=dict)
    messy: dict[str, dict[int, tuple[str, ...]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, records: int, seed: int, *, deleted_rate: float = DELETED_RATE, messy_rate: float = MESSY_RATE
    ) -> OrgShape:
        shape = cls(seed=seed, counts=record_counts(records))
        chooser = random.Random(f"sfsandbox-shape-{seed}")
        for name, n in shape.counts.items():
            deleted: list[int] = []
            if name not in _NEVER_DELETED and deleted_rate > 0:
                k = max(0, min(n - 1, max(1 if n >= 10 else 0, round(n * deleted_rate))))
                deleted = sorted(chooser.sample(range(n), max(k, 0)))
            shape.deleted[name] = deleted
            shape.deleted_sets[name] = frozenset(deleted)
            kinds = MESSY_KINDS.get(name, ())
            messy: dict[int, tuple[str, ...]] = {}
            if kinds and messy_rate > 0:
                k = min(n, max(1 if n >= 10 else 0, round(n * messy_rate)))
                # Kinds cycle so even a small org shows every kind once it has enough rows;
                # a few records get a second problem on top, as real data does.
                for position, index in enumerate(sorted(chooser.sample(range(n), k))):
                    record_kinds = [kinds[position % len(kinds)]]
                    if chooser.random() < 0.25:
                        extra = chooser.choice(kinds)
                        if extra not in record_kinds:
                            record_kinds.append(extra)
                    messy[index] = tuple(record_kinds)
            shape.messy[name] = messy
        return shape


_MASK64 = 0xFFFFFFFFFFFFFFFF


class Draws:
    """A record's random stream: deterministic in its key and cheap to start.

    random.Random costs ~3 us just to seed, more than the rest of a record. Here the
    stream is a 256-bit pool built from tuple hashes (deterministic for ints, unlike str
    hashes) and each draw peels a value off it with divmod; it refills from the next
    hashes when it runs low. Modulo bias is irrelevant for fake data.
    """

    __slots__ = ("_key", "_pool", "_block")

    def __init__(self, *key: int):
        self._key = key
        self._block = 0
        self._pool = 0
        self._refill()

    def _refill(self) -> None:
        key, block = self._key, self._block
        self._block = block + 4
        self._pool = (
            hash((*key, block)) & _MASK64
            | (hash((*key, block + 1)) & _MASK64) << 64
            | (hash((*key, block + 2)) & _MASK64) << 128
            | (hash((*key, block + 3)) & _MASK64) << 192
        )

    def below(self, n: int) -> int:
        if self._pool < 1 << 40:
            self._refill()
        self._pool, value = divmod(self._pool, n)
        return value

    def between(self, low: int, high: int) -> int:
        return low + self.below(high - low)

    def random(self) -> float:
        return self.below(1 << 20) / (1 << 20)

    def pick(self, options):
        return options[self.below(len(options))]


def _digits(rng: Draws, pattern: str) -> str:
    return "".join(str(rng.below(10)) if ch == "#" else ch for ch in pattern)


class RecordFactory:
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
        }
        self._build_pools()
        self._long_text = "".join(words.LOREM[i % len(words.LOREM)] for i in range(700))

    # -- helpers -------------------------------------------------------------------------
    def rng(self, object_name: str, index: int) -> Draws:
        """The record's own random stream."""
        return Draws(self.shape.seed, self._object_numbers[object_name], index)

    def _hash(self, purpose: int, index: int) -> int:
        """Cheap 64-bit value for cross-record facts (another record's name, a list price).

        Tuple hashing of ints is deterministic across processes (only str hashing is
        salted) and far cheaper than reseeding a Random.
        """
        return hash((self.shape.seed, purpose, index)) & 0xFFFFFFFFFFFFFFFF

    def id_of(self, object_name: str, index: int) -> str:
        return make_id(object_name, index)

    def _system(self, rng: Draws, object_name: str, index: int, *, owned: bool) -> dict:
        n = self.counts[object_name]
        position = min(index, n - 1) if n else 0
        created = _HISTORY_START + (NOW - _HISTORY_START - 86400 * 30) * position // max(n, 1)
        created += rng.below(86400)
        modified = min(NOW - 1, created + rng.below(86400 * 400))
        values = {
            "Id": make_id(object_name, index),
            "IsDeleted": index in self.shape.deleted_sets[object_name],
            "CreatedDate": format_datetime(created),
            "LastModifiedDate": format_datetime(modified),
            "SystemModstamp": format_datetime(min(NOW, modified + rng.below(60))),
        }
        if owned:
            values["OwnerId"] = make_id("User", rng.below(self.counts["User"]))
        if self.multi_currency:
            values["CurrencyIsoCode"] = CURRENCIES[0] if rng.random() < 0.7 else rng.pick(CURRENCIES)
        values["_created_epoch"] = created
        return values

    def _deleted_target(self, object_name: str, index: int) -> str | None:
        deleted = self.shape.deleted[object_name]
        return make_id(object_name, deleted[index % len(deleted)]) if deleted else None

    def _company_name(self, index: int) -> str:
        h = self._hash(1, index)
        h, first = divmod(h, len(words.COMPANY_WORDS))
        h, kind = divmod(h, len(words.COMPANY_KINDS))
        suffix = words.COMPANY_SUFFIXES[h % len(words.COMPANY_SUFFIXES)]
        return f"{words.COMPANY_WORDS[first]} {words.COMPANY_KINDS[kind]} {suffix}".rstrip()

    def _person(self, rng: Draws) -> tuple[str, str]:
        return rng.pick(words.FIRST_NAMES), rng.pick(words.LAST_NAMES)

    def _email(self, first: str, last: str, index: int, rng: Draws) -> str:
        local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
        local = local.encode("ascii", "ignore").decode() or "contact"
        return f"{local}{index}@{rng.pick(words.EMAIL_DOMAINS)}"

    def _address(self, rng: Draws, prefix: str) -> dict:
        street, city, state, postal, country = rng.pick(self._addresses)
        return {
            f"{prefix}Street": street,
            f"{prefix}City": city,
            f"{prefix}State": state,
            f"{prefix}PostalCode": postal,
            f"{prefix}Country": country,
        }

    def _phone(self, rng: Draws) -> str:
        return rng.pick(self._phones)

    def _build_pools(self) -> None:
        """Addresses and phone numbers drawn from seeded pools: one draw per value instead
        of five, which matters at 2,000 records a page."""
        pool_rng = Draws(self.shape.seed, 99, 0)
        self._addresses = []
        for _ in range(_POOL_SIZE):
            city, state, postal, country, _ = pool_rng.pick(words.CITIES)
            street = f"{pool_rng.between(1, 9999)} {pool_rng.pick(words.STREET_NAMES)}"
            self._addresses.append((street, city, state or None, _digits(pool_rng, postal), country))
        self._phones = []
        for _ in range(_POOL_SIZE):
            prefix = pool_rng.pick(words.CITIES)[4]
            self._phones.append(f"{prefix} {pool_rng.between(200, 999)} {pool_rng.between(1000, 9999)}")

    def _long(self, index: int) -> str:
        head = f"[record {index}] "
        return (head + self._long_text)[:LONG_TEXT_LENGTH]

    # -- public --------------------------------------------------------------------------
    def build(self, object_name: str, index: int) -> dict:
        record = self._builders[object_name](index)
        del record["_created_epoch"]
        return record

    def messy_kinds(self, object_name: str, index: int) -> tuple[str, ...]:
        return self.shape.messy.get(object_name, {}).get(index, ())

    # -- objects -------------------------------------------------------------------------
    def _user(self, i: int) -> dict:
        rng = self.rng("User", i)
        first, last = ("Sandbox", "User") if i == 0 else self._person(rng)
        rec = self._system(rng, "User", i, owned=False)
        alias = (first[:1] + last[:4]).lower()
        rec.update(
            {
                "Username": f"{alias}{i}@sfsandbox.example.com",
                "FirstName": first,
                "LastName": last,
                "Name": f"{first} {last}",
                "Email": f"{alias}{i}@sfsandbox.example.com",
                "Alias": alias[:8],
                "Title": rng.pick(words.TITLES),
                "Department": rng.pick(words.DEPARTMENTS),
                "IsActive": i == 0 or rng.random() < 0.9,
                "TimeZoneSidKey": rng.pick(("America/Los_Angeles", "Europe/London")),
            }
        )
        return rec

    def _account(self, i: int) -> dict:
        rng = self.rng("Account", i)
        rec = self._system(rng, "Account", i, owned=True)
        name = self._company_name(i)
        rec.update(
            {
                "Name": name,
                "Type": rng.pick(
                    (
                        "Prospect",
                        "Customer - Direct",
                        "Customer - Channel",
                        "Channel Partner / Reseller",
                        "Other",
                    )
                ),
                "AccountNumber": f"CD{rng.between(100000, 999999)}",
                "Website": "https://www." + name.split()[0].lower() + f"{i}.example.com",
                "Phone": self._phone(rng),
                "Fax": self._phone(rng) if rng.random() < 0.3 else None,
                "Industry": rng.pick(
                    (
                        "Technology",
                        "Manufacturing",
                        "Retail",
                        "Finance",
                        "Healthcare",
                        "Energy",
                        "Media",
                        "Education",
                        "Consulting",
                        "Transportation",
                        "Other",
                    )
                ),
                "NumberOfEmployees": rng.pick((5, 12, 40, 120, 350, 1200, 5000, 25000)),
                "AnnualRevenue": float(rng.between(1, 5000) * 10000),
                "Description": rng.pick(words.LOREM).strip() if rng.random() < 0.6 else None,
            }
        )
        rec.update(self._address(rng, "Billing"))
        if rng.random() < 0.5:
            rec.update(self._address(rng, "Shipping"))
        else:
            rec.update(
                {k.replace("Billing", "Shipping"): v for k, v in rec.items() if k.startswith("Billing")}
            )
        for kind in self.messy_kinds("Account", i):
            if kind == "duplicate_name":
                rec["Name"] = self._company_name(max(0, i - 1 - rng.below(5)))
            elif kind == "duplicate_name_case":
                rec["Name"] = self._company_name(max(0, i - 1)).upper()
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "long_name":
                rec["Name"] = (name + " " + "International Holdings " * 20)[:255]
            elif kind == "unicode":
                rec["Name"] = rng.pick(words.UNICODE_NAMES)
            elif kind == "country_variant":
                rec["BillingCountry"] = rng.pick(words.COUNTRY_VARIANTS)
            elif kind == "unknown_picklist":
                rec["Industry"] = rng.pick(words.UNKNOWN_PICKLIST[("Account", "Industry")])
            elif kind == "null_fields":
                for key in (
                    "Website",
                    "Phone",
                    "Industry",
                    "BillingStreet",
                    "BillingCity",
                    "BillingCountry",
                    "NumberOfEmployees",
                    "AnnualRevenue",
                ):
                    rec[key] = None
            elif kind == "out_of_range":
                rec["NumberOfEmployees"] = rng.pick((-1, 0, 99999999))
                rec["AnnualRevenue"] = rng.pick((-250000.0, 999999999999999999.0))
        return rec

    def contact_account_index(self, contact: int) -> int:
        return contact % self.counts["Account"]

    def _contact(self, i: int) -> dict:
        rng = self.rng("Contact", i)
        rec = self._system(rng, "Contact", i, owned=True)
        first, last = self._person(rng)
        rec.update(
            {
                "AccountId": make_id("Account", self.contact_account_index(i)),
                "Salutation": rng.pick(("Mr.", "Ms.", "Mrs.", "Dr.", None)),
                "FirstName": first,
                "LastName": last,
                "Name": f"{first} {last}",
                "Email": self._email(first, last, i, rng),
                "Phone": self._phone(rng),
                "MobilePhone": self._phone(rng) if rng.random() < 0.4 else None,
                "Title": rng.pick(words.TITLES),
                "Department": rng.pick(words.DEPARTMENTS),
                "LeadSource": rng.pick(LEAD_SOURCES + (None,)),
                "DoNotCall": rng.random() < 0.05,
                "HasOptedOutOfEmail": rng.random() < 0.1,
                "Birthdate": format_date(NOW - 86400 * rng.between(8000, 25000))
                if rng.random() < 0.3
                else None,
                "Description": None,
            }
        )
        rec.update(self._address(rng, "Mailing"))
        for kind in self.messy_kinds("Contact", i):
            if kind == "invalid_email":
                rec["Email"] = rng.pick(words.MESSY_EMAILS)
            elif kind == "duplicate_email":
                rec["Email"] = "info@example.com"
            elif kind == "no_account":
                rec["AccountId"] = None
            elif kind == "deleted_lookup":
                rec["AccountId"] = self._deleted_target("Account", i) or rec["AccountId"]
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "long_title":
                rec["Title"] = (
                    "Senior Vice President, Global Strategic Partnerships and "
                    "Alliances, Europe, Middle East and Africa Region " * 2
                )[:128]
            elif kind == "unicode":
                rec["FirstName"], rec["LastName"] = rng.pick(words.UNICODE_PERSON)
                rec["Name"] = f"{rec['FirstName']} {rec['LastName']}"
            elif kind == "null_fields":
                for key in (
                    "FirstName",
                    "Email",
                    "Phone",
                    "Title",
                    "MailingStreet",
                    "MailingCity",
                    "MailingCountry",
                ):
                    rec[key] = None
                rec["Name"] = rec["LastName"]
            elif kind == "country_variant":
                rec["MailingCountry"] = rng.pick(words.COUNTRY_VARIANTS)
            elif kind == "unknown_picklist":
                rec["LeadSource"] = rng.pick(words.UNKNOWN_PICKLIST[("Contact", "LeadSource")])
        return rec

    def opportunity_account_index(self, opportunity: int) -> int:
        return opportunity % self.counts["Account"]

    def _opportunity(self, i: int) -> dict:
        rng = self.rng("Opportunity", i)
        rec = self._system(rng, "Opportunity", i, owned=True)
        stage, probability, closed, won = rng.pick(OPPORTUNITY_STAGES)
        account = self.opportunity_account_index(i)
        rec.update(
            {
                "AccountId": make_id("Account", account),
                "Name": f"{self._company_name(account)} - {rng.pick(words.OPPORTUNITY_SUFFIXES)}",
                "Description": rng.pick(words.LOREM).strip() if rng.random() < 0.4 else None,
                "StageName": stage,
                "Amount": round(rng.between(500, 500000) + rng.below(100) / 100, 2),
                "Probability": probability,
                "CloseDate": format_date(rec["_created_epoch"] + 86400 * rng.between(14, 270)),
                "Type": rng.pick(OPPORTUNITY_TYPES + (None,)),
                "NextStep": "Send proposal" if not closed and rng.random() < 0.3 else None,
                "LeadSource": rng.pick(LEAD_SOURCES + (None,)),
                "IsClosed": closed,
                "IsWon": won,
                "Pricebook2Id": make_id("Pricebook2", 0),
            }
        )
        for kind in self.messy_kinds("Opportunity", i):
            if kind == "negative_amount":
                # null_fields may have come first: a negative amount needs an amount.
                rec["Amount"] = -abs(rec["Amount"] or 1000.0)
            elif kind == "probability_out_of_range":
                rec["Probability"] = rng.pick((110, 150, 999))
            elif kind == "unknown_picklist":
                rec["StageName"] = rng.pick(words.UNKNOWN_PICKLIST[("Opportunity", "StageName")])
            elif kind == "null_fields":
                rec["AccountId"] = rec["Amount"] = rec["Type"] = rec["Probability"] = None
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "deleted_lookup":
                rec["AccountId"] = self._deleted_target("Account", i) or rec["AccountId"]
            elif kind == "unicode":
                rec["Name"] = f"{rng.pick(words.UNICODE_NAMES)} – Erneuerung ✓"
        return rec

    def _product(self, i: int) -> dict:
        rng = self.rng("Product2", i)
        rec = self._system(rng, "Product2", i, owned=False)
        name = f"{rng.pick(words.PRODUCT_ADJECTIVES)} {rng.pick(words.PRODUCT_WORDS)}"
        rec.update(
            {
                "Name": f"{name} {100 + i}",
                "ProductCode": f"{name[:2].upper()}-{i:06d}",
                "Description": f"{name} for business customers." if rng.random() < 0.7 else None,
                "IsActive": rng.random() < 0.9,
                "Family": rng.pick(("Hardware", "Software", "Services", "Training", None)),
            }
        )
        for kind in self.messy_kinds("Product2", i):
            if kind == "unicode":
                rec["Name"] = f"{rng.pick(words.UNICODE_NAMES)} Modul {i}"
            elif kind == "long_text":
                rec["Description"] = self._long(i)[:4000]
            elif kind == "unknown_picklist":
                rec["Family"] = rng.pick(words.UNKNOWN_PICKLIST[("Product2", "Family")])
            elif kind == "null_fields":
                rec["ProductCode"] = rec["Description"] = rec["Family"] = None
        return rec

    def _pricebook(self, i: int) -> dict:
        rng = self.rng("Pricebook2", i)
        rec = self._system(rng, "Pricebook2", i, owned=False)
        rec.update(
            {
                "Name": "Standard Price Book" if i == 0 else f"Partner Price Book {i}",
                "IsActive": True,
                "IsStandard": i == 0,
                "Description": None if i == 0 else "Discounted prices for channel partners",
            }
        )
        return rec

    def list_price(self, product: int, pricebook: int) -> float:
        base = 10 + self._hash(2, product) % 4990
        return round(base * (1.0 if pricebook == 0 else 0.85), 2)

    def pricebook_entry_index(self, pricebook: int, product: int) -> int:
        return pricebook * self.counts["Product2"] + product

    def _pricebook_entry(self, i: int) -> dict:
        pricebook, product = divmod(i, self.counts["Product2"])
        product_rec = self._product(product)  # before our own rng: both use the same one
        rng = self.rng("PricebookEntry", i)
        rec = self._system(rng, "PricebookEntry", i, owned=False)
        rec.update(
            {
                "Name": product_rec["Name"],
                "Pricebook2Id": make_id("Pricebook2", pricebook),
                "Product2Id": make_id("Product2", product),
                "UnitPrice": self.list_price(product, pricebook),
                "IsActive": True,
                "UseStandardPrice": False,
                "ProductCode": product_rec["ProductCode"],
            }
        )
        return rec

    def order_pricebook_index(self, order: int) -> int:
        return 0 if order % 5 else self.counts["Pricebook2"] - 1

    def _order(self, i: int) -> dict:
        rng = self.rng("Order", i)
        rec = self._system(rng, "Order", i, owned=True)
        n_accounts = self.counts["Account"]
        account = i % n_accounts
        opportunity = account if account < self.counts["Opportunity"] else None
        contact = account if account < self.counts["Contact"] else None
        activated = rng.random() < 0.6
        effective = rec["_created_epoch"] + 86400 * rng.between(0, 20)
        items = [self._order_item_amounts(j) for j in self._children(i, "Order", "OrderItem")]
        rec.update(
            {
                "OrderNumber": f"{i + 100:08d}",
                "Name": None if rng.random() < 0.5 else f"PO-{rng.between(10000, 99999)}",
                "Status": "Activated" if activated else "Draft",
                "AccountId": make_id("Account", account),
                "BillToContactId": make_id("Contact", contact) if contact is not None else None,
                "ShipToContactId": None,
                "OpportunityId": make_id("Opportunity", opportunity)
                if opportunity is not None and rng.random() < 0.7
                else None,
                "Pricebook2Id": make_id("Pricebook2", self.order_pricebook_index(i)),
                "EffectiveDate": format_date(effective),
                "ActivatedDate": format_datetime(min(NOW, effective + 3600)) if activated else None,
                "EndDate": format_date(effective + 86400 * 365) if rng.random() < 0.3 else None,
                "TotalAmount": round(sum(total for _, _, total in items), 2),
                "Description": None,
            }
        )
        rec.update(self._address(rng, "Billing"))
        rec.update(self._address(rng, "Shipping"))
        for kind in self.messy_kinds("Order", i):
            if kind == "deleted_lookup":
                rec["AccountId"] = self._deleted_target("Account", i) or rec["AccountId"]
            elif kind == "null_fields":
                rec["BillToContactId"] = rec["OpportunityId"] = rec["BillingStreet"] = None
            elif kind == "long_text":
                rec["Description"] = self._long(i)
            elif kind == "country_variant":
                rec["ShippingCountry"] = rng.pick(words.COUNTRY_VARIANTS)
        return rec

    def _children(self, parent: int, parent_object: str, child_object: str) -> range:
        """Indices of the (round-robin assigned) children of a parent record."""
        return range(parent, self.counts[child_object], self.counts[parent_object])

    def _line_core(self, object_name: str, i: int, pricebook: int) -> tuple[int, float, float, float, int]:
        h = self._hash(3 + self._object_numbers[object_name], i)
        h, product = divmod(h, self.counts["Product2"])
        h, quantity_pick = divmod(h, 7)
        h, discount_pick = divmod(h, 4)
        quantity = (1.0, 1.0, 2.0, 3.0, 5.0, 10.0, 25.0)[quantity_pick]
        unit_price = self.list_price(product, pricebook)
        if i in self.shape.messy.get(object_name, {}):
            quantity, unit_price = ((-2.0, unit_price), (0.0, unit_price), (quantity, -unit_price))[h % 3]
        discount = (0.0, 0.0, 5.0, 10.0)[discount_pick]
        return product, quantity, unit_price, discount, pricebook

    def _order_item_amounts(self, i: int) -> tuple[float, float, float]:
        order = i % self.counts["Order"]
        _, quantity, unit_price, _, _ = self._line_core("OrderItem", i, self.order_pricebook_index(order))
        return quantity, unit_price, round(quantity * unit_price, 2)

    def _order_item(self, i: int) -> dict:
        rng = self.rng("OrderItem", i)
        rec = self._system(rng, "OrderItem", i, owned=False)
        order = i % self.counts["Order"]
        product, quantity, unit_price, _, pricebook = self._line_core(
            "OrderItem", i, self.order_pricebook_index(order)
        )
        rec.update(
            {
                "OrderId": make_id("Order", order),
                "Product2Id": make_id("Product2", product),
                "PricebookEntryId": make_id("PricebookEntry", self.pricebook_entry_index(pricebook, product)),
                "Description": None,
                "Quantity": quantity,
                "UnitPrice": unit_price,
                "TotalPrice": round(quantity * unit_price, 2),
                "OrderItemNumber": f"{i + 1:010d}",
            }
        )
        return rec

    def _quote(self, i: int) -> dict:
        rng = self.rng("Quote", i)
        rec = self._system(rng, "Quote", i, owned=False)
        opportunity = i % self.counts["Opportunity"]
        account = self.opportunity_account_index(opportunity)
        contact = account if account < self.counts["Contact"] else None
        lines = [self._line_core("QuoteLineItem", j, 0) for j in self._children(i, "Quote", "QuoteLineItem")]
        subtotal = round(sum(q * p for _, q, p, _, _ in lines), 2)
        total = round(sum(q * p * (1 - d / 100) for _, q, p, d, _ in lines), 2)
        tax = round(total * 0.08, 2)
        rec.update(
            {
                "Name": f"Quote for {self._company_name(account)}",
                "QuoteNumber": f"{i + 1:08d}",
                "Status": rng.pick(("Draft", "Needs Review", "Approved", "Presented", "Accepted", "Denied")),
                "AccountId": make_id("Account", account),
                "ContactId": make_id("Contact", contact) if contact is not None else None,
                "OpportunityId": make_id("Opportunity", opportunity),
                "Pricebook2Id": make_id("Pricebook2", 0),
                "Subtotal": subtotal,
                "TotalPrice": total,
                "Discount": round((1 - total / subtotal) * 100, 2) if subtotal else None,
                "Tax": tax,
                "GrandTotal": round(total + tax, 2),
                "ExpirationDate": format_date(rec["_created_epoch"] + 86400 * 30),
                "Description": None,
            }
        )
        for kind in self.messy_kinds("Quote", i):
            if kind == "null_fields":
                rec["ContactId"] = rec["ExpirationDate"] = None
            elif kind == "out_of_range":
                rec["Discount"] = 150.0
            elif kind == "unknown_picklist":
                rec["Status"] = rng.pick(words.UNKNOWN_PICKLIST[("Quote", "Status")])
        return rec

    def _quote_line_item(self, i: int) -> dict:
        rng = self.rng("QuoteLineItem", i)
        rec = self._system(rng, "QuoteLineItem", i, owned=False)
        quote = i % self.counts["Quote"]
        product, quantity, unit_price, discount, pricebook = self._line_core("QuoteLineItem", i, 0)
        subtotal = round(quantity * unit_price, 2)
        rec.update(
            {
                "QuoteId": make_id("Quote", quote),
                "Product2Id": make_id("Product2", product),
                "PricebookEntryId": make_id("PricebookEntry", self.pricebook_entry_index(pricebook, product)),
                "Description": None,
                "Quantity": quantity,
                "UnitPrice": unit_price,
                "Subtotal": subtotal,
                "TotalPrice": round(subtotal * (1 - discount / 100), 2),
                "Discount": discount,
                "LineNumber": f"{i // self.counts['Quote'] + 1:05d}",
                "SortOrder": i // self.counts["Quote"] + 1,
            }
        )
        if "out_of_range" in self.messy_kinds("QuoteLineItem", i):
            rec["Discount"] = 150.0
        return rec
