import time

from common.ids import uuid7


def test_uuid7_has_version_variant_and_time_order():
    first = uuid7()
    time.sleep(0.002)
    later = [uuid7() for _ in range(1000)]
    assert first.version == 7
    assert first.variant == "specified in RFC 4122"
    assert all(first < u for u in later)
    assert len({*later}) == 1000
    millis = first.int >> 80
    assert abs(millis - time.time() * 1000) < 5000


def test_uuid7_many_are_distinct_version_7():
    from common.ids import uuid7_many

    keys = uuid7_many(5000)
    assert len(set(keys)) == 5000
    assert {k.version for k in keys} == {7}
