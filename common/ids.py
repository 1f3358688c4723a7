"""Time-ordered UUIDs (version 7, RFC 9562) for rows created in bulk.

Random (version 4) keys land all over the primary-key index, so every insert into a large
table touches a different index page. Version 7 keys start with the time in milliseconds,
so a batch's keys sit next to each other and the index grows at its end. They keep 74
random bits, so they stay unique and hard to guess.
"""

import os
import time
import uuid

_RANDOM_BYTES = 10  # 80 bits drawn, 74 used


def uuid7_many(count: int) -> list[uuid.UUID]:
    """`count` keys with one read of the OS's randomness (a batch needs thousands)."""
    millis = (time.time_ns() // 1_000_000) & ((1 << 48) - 1)
    prefix = (millis << 80) | (0x7 << 76) | (0b10 << 62)  # time, version, variant
    pool = os.urandom(_RANDOM_BYTES * count)
    keys = []
    for start in range(0, len(pool), _RANDOM_BYTES):
        bits = int.from_bytes(pool[start : start + _RANDOM_BYTES], "big")
        rand_a, rand_b = (bits >> 62) & 0xFFF, bits & ((1 << 62) - 1)
        keys.append(uuid.UUID(int=prefix | (rand_a << 64) | rand_b))
    return keys


def uuid7() -> uuid.UUID:
    return uuid7_many(1)[0]
