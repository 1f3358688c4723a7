import pytest

from sfsandbox import ids
from sfsandbox.data import Org
from sfsandbox.generator import DELETED_USER_IDS, MESSY_KINDS, record_counts
from sfsandbox.generator.shape import HISTORY_OBJECTS


def test_case_safe_suffix_matches_real_salesforce_ids():
    # Real Ids from the heroku-tdx25-agentforce export.
    assert ids.to_18("001KZ00000COLTX") == "001KZ00000COLTXYA5"
    assert ids.to_18("001bn00001SAFMv") == "001bn00001SAFMvAAP"


def test_generated_ids_sort_in_index_order_and_round_trip():
    generated = [ids.make_id("Account", i) for i in (0, 1, 61, 62, 3843, 3844, 10**6, 10**9)]
    assert generated == sorted(generated)
    for index, record_id in zip((0, 1, 61, 62, 3843, 3844, 10**6, 10**9), generated, strict=True):
        assert len(record_id) == 18 and record_id.startswith("001")
        assert ids.index_from_id("Account", record_id) == index
        assert ids.looks_like_id(record_id)
    assert ids.make_id("QuoteLineItem", 5).startswith("0QL")


def test_counts_follow_documented_proportions():
    counts = record_counts(1_000_000)
    assert counts["Account"] == 100_000
    assert counts["Contact"] == 240_000
    on_top = counts.pop("Group") + counts.pop("OpportunityLineItem")
    history = {name: counts.pop(name) for name in HISTORY_OBJECTS}
    assert sum(counts.values()) == 1_000_000
    assert on_top == 2 + 210_000  # 1.5 line items per opportunity
    # The sales history comes on top of --records (README): 45.5% plus 2.5 links per note.
    assert history == {
        "Lead": 80_000,
        "Case": 50_000,
        "Campaign": 5_000,
        "Task": 200_000,
        "Event": 80_000,
        "Note": 20_000,
        "ContentNote": 20_000,
        "ContentDocumentLink": 50_000,
    }
    assert all(n >= 1 for n in record_counts(10).values())


def test_generation_is_deterministic_in_the_seed():
    one, again, other = Org(500, seed=3), Org(500, seed=3), Org(500, seed=4)
    assert one.record_at("Contact", 17) == again.record_at("Contact", 17)
    assert one.messy("Account") == again.messy("Account")
    assert one.record_at("Contact", 17) != other.record_at("Contact", 17)


def test_lookups_point_at_real_records():
    org = Org(3000, seed=2)
    for object_name, field, target in (
        ("Contact", "AccountId", "Account"),
        ("Opportunity", "AccountId", "Account"),
        ("OrderItem", "OrderId", "Order"),
        ("OrderItem", "PricebookEntryId", "PricebookEntry"),
        ("QuoteLineItem", "QuoteId", "Quote"),
        ("Quote", "OpportunityId", "Opportunity"),
        ("Order", "OwnerId", "User"),
        ("OpportunityLineItem", "PricebookEntryId", "PricebookEntry"),
        ("OpportunityLineItem", "OpportunityId", "Opportunity"),
    ):
        for index in range(0, org.generated_count(object_name), 7):
            value = org.record_at(object_name, index)[field]
            owner_queue = field == "OwnerId" and value.startswith("00G")
            if value is not None and value not in DELETED_USER_IDS:
                found = org.get("Group" if owner_queue else target, value)
                assert found is not None, (object_name, field, value)
    item = org.record_at("OrderItem", 3)
    entry = org.get("PricebookEntry", item["PricebookEntryId"])
    assert entry["Product2Id"] == item["Product2Id"]


def test_messy_records_cover_every_kind_and_deleted_rows_are_counted():
    org = Org(20000, seed=1)
    for object_name, kinds in MESSY_KINDS.items():
        seen = {kind for found in org.messy(object_name).values() for kind in found}
        assert seen == set(kinds), object_name
    deleted = org.deleted_ids("Account")
    assert deleted and org.count("Account") == org.count("Account", True) - len(deleted)
    messy = org.messy("Contact")
    no_account = [i for i, k in messy.items() if k == ["no_account"]]
    assert org.get("Contact", no_account[0])["AccountId"] is None
    to_deleted = [i for i, k in messy.items() if k == ["deleted_lookup"]]
    assert org.get("Contact", to_deleted[0])["AccountId"] in deleted
    long_text = [i for i, k in org.messy("Account").items() if "long_text" in k]
    assert len(org.get("Account", long_text[0])["Description"]) == 32000


def test_a_million_record_org_is_built_lazily():
    org = Org(1_000_000, seed=1)
    assert org.count("Account", include_deleted=True) == 100_000
    last = org.record_at("QuoteLineItem", org.generated_count("QuoteLineItem") - 1)
    assert last["QuoteId"].startswith("0Q0")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_record_builds_even_with_many_messy_kinds_combined(seed):
    # A record can carry several messy kinds at once (e.g. null fields and a negative amount);
    # every combination must still build, or the server answers 500 mid-import.
    org = Org(3000, seed, messy_rate=0.6)
    for name in org.objects:
        for index in range(org.generated_count(name)):
            org.record_at(name, index)
