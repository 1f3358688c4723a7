"""Helpers every record builder shares: random streams, system fields, names, addresses."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.clock import _HISTORY_START, NOW, format_datetime
from sfsandbox.generator.draws import Draws, _digits
from sfsandbox.generator.shape import OrgShape
from sfsandbox.ids import make_id
from sfsandbox.schema import CURRENCIES

LONG_TEXT_LENGTH = 32000
# Owners and creators that point at no User (deleted or purged before an org migration).
DELETED_USER_IDS = tuple(make_id("User", 900_000_000 + k) for k in range(3))
_DELETED_USERS = len(DELETED_USER_IDS)
QUEUE_INDEX = 0  # Group 0 is the queue "Order Fulfilment"
# Objects a queue can own (Setup > Queues > Supported Objects): of ours, Order, Lead and Case.
QUEUE_OWNABLE = frozenset({"Order", "Lead", "Case"})
# Lookups to records deleted and purged long ago: Ids past the generated range.
PURGED_INDEX = 800_000_000
_SPAN_END = NOW - _HISTORY_START - 86400 * 30
_POOL_SIZE = 4096
_NO_MESSY: dict = {}  # an object without messy records (read only)


class FactoryBase:
    shape: OrgShape
    counts: dict[str, int]
    multi_currency: bool
    _object_numbers: dict[str, int]
    _builders: dict
    _custom: dict
    _user_ids: tuple[str, ...]  # Ids of the generated users (owners, creators), computed once
    _product_cache: dict[int, tuple[str, str | None]]
    _line_slots: dict[tuple[int, int], tuple[int, int, int, int]]  # see PricingBuilders.line_core
    _list_prices: dict[tuple[int, int, int], float]  # see PricingBuilders.list_price
    builds: int = 0

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

    def _system(
        self, rng: Draws, object_name: str, index: int, *, owned: bool, currency: str | None = None
    ) -> dict:
        n = self.counts[object_name]
        position = (index if index < n else n - 1) if n else 0  # min/max calls cost more here
        created = _HISTORY_START + _SPAN_END * position // (n or 1) + rng.below(86400)
        # Edited up to 400 days after creation, never after the generation time. An edit
        # that would pass it wraps inside [created, NOW - 1) (same draw, so every later
        # draw is unchanged) instead of piling up one second before NOW.
        edited = rng.below(86400 * 400)
        modified = created + (edited if created + edited < NOW - 1 else edited % max(1, NOW - 1 - created))
        # _hash and _user_ref written out: every record built comes through here.
        h = hash((self.shape.seed, 40 + self._object_numbers[object_name], index)) & 0xFFFFFFFFFFFFFFFF
        users = self._user_ids
        creator, editor = h >> 16, h >> 32
        values = {
            "Id": make_id(object_name, index),
            "IsDeleted": index in self.shape.deleted_sets[object_name],
            "CreatedById": DELETED_USER_IDS[creator % _DELETED_USERS]
            if creator % 50 == 0
            else users[(creator >> 8) % len(users)],
            "CreatedDate": format_datetime(created),
            "LastModifiedById": DELETED_USER_IDS[editor % _DELETED_USERS]
            if editor % 50 == 0
            else users[(editor >> 8) % len(users)],
            "LastModifiedDate": format_datetime(modified),
            "SystemModstamp": format_datetime(min(NOW, modified + rng.below(60))),
        }
        if owned:
            values["OwnerId"] = self._owner(object_name, h)
        if self.multi_currency:
            if currency is None:
                currency = CURRENCIES[0] if rng.random() < 0.7 else rng.pick(CURRENCIES)
            values["CurrencyIsoCode"] = currency
        values["_created_epoch"] = created
        return values

    def created_epoch(self, object_name: str, index: int) -> int:
        """CreatedDate of a generated record (as `_system` draws it), without building it."""
        n = self.counts[object_name]
        base = _HISTORY_START + _SPAN_END * (min(index, n - 1) if n else 0) // max(n, 1)
        return base + self.rng(object_name, index).below(86400)

    def created_base(self, object_name: str, index: int) -> int:
        """CreatedDate of a generated record to the day (no per-record draw)."""
        n = self.counts[object_name]
        return _HISTORY_START + _SPAN_END * (min(index, n - 1) if n else 0) // max(n, 1)

    def live_index(self, object_name: str, index: int) -> int:
        """`index`, or the next record after it that is not soft-deleted (wrapping)."""
        n = self.counts[object_name]
        deleted = self.shape.deleted_sets[object_name]
        for step in range(n):
            candidate = (index + step) % n
            if candidate not in deleted:
                return candidate
        return index % n

    def contact_account_ref(self, contact: int) -> str | None:
        """A generated contact's AccountId, computed as `_contact` does (messy kinds too)."""
        value: str | None = make_id("Account", contact % self.counts["Account"])
        for kind in self.messy_kinds("Contact", contact):
            if kind == "no_account":
                value = None
            elif kind == "deleted_lookup":
                value = self._deleted_target("Account", contact) or value
        return value

    def opportunity_account_ref(self, opportunity: int) -> str | None:
        """A generated opportunity's AccountId, computed as `_opportunity` does."""
        value: str | None = make_id("Account", opportunity % self.counts["Account"])
        for kind in self.messy_kinds("Opportunity", opportunity):
            if kind == "null_fields":
                value = None
            elif kind == "deleted_lookup":
                value = self._deleted_target("Account", opportunity) or value
        return value

    def _user_ref(self, h: int) -> str:
        """A user Id for CreatedById/LastModifiedById: 2% are users that no longer exist."""
        if h % 50 == 0:
            return DELETED_USER_IDS[h % len(DELETED_USER_IDS)]
        return self._user_ids[(h >> 8) % len(self._user_ids)]

    def _owner(self, object_name: str, h: int) -> str:
        """OwnerId: mostly users; queue-owned Orders (10%); 2% a user that no longer exists."""
        pick = h % 100
        if object_name in QUEUE_OWNABLE and pick < 10 and self.counts["Group"]:
            return make_id("Group", QUEUE_INDEX)
        if pick >= 98:
            return DELETED_USER_IDS[h % len(DELETED_USER_IDS)]
        return self._user_ids[(h >> 8) % len(self._user_ids)]

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
        self.builds += 1  # records built so far (tests check that a query did not build them all)
        record = self._builders[object_name](index)
        custom = self._custom.get(object_name)
        if custom is not None:
            custom(index, record)
        del record["_created_epoch"]
        return record

    def messy_kinds(self, object_name: str, index: int) -> tuple[str, ...]:
        return self.shape.messy.get(object_name, _NO_MESSY).get(index, ())
