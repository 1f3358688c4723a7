"""Time-ordered UUIDs (version 7, RFC 9562) for rows created in bulk.

Random (version 4) keys land all over the primary-key index, so every insert into a large
table touches a different index page. Version 7 keys start with the time in milliseconds,
so a batch's keys sit next to each other and the index grows at its end. They are still
unique and unguessable enough for ids (74 random bits).
"""

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    millis = time.time_ns() // 1_000_000
    random_bits = int.from_bytes(os.urandom(10), "big")  # 80 bits, 74 used
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((random_bits >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= random_bits & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)
