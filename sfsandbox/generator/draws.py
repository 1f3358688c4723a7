"""A record's own cheap, deterministic random stream."""

from __future__ import annotations

_MASK64 = 0xFFFFFFFFFFFFFFFF


class Draws:
    """A record's random stream: deterministic in its key and cheap to start.

    random.Random costs ~3 us just to seed, more than the rest of a record. Here the
    stream is a 256-bit pool built from tuple hashes (deterministic for ints, unlike str
    hashes) and each draw peels a value off it with divmod; it refills from the next
    hashes when it runs low. Modulo bias is irrelevant for fake data.
    """

    __slots__ = ("_seed", "_stream", "_index", "_pool", "_block")

    def __init__(self, seed: int, stream: int, index: int):
        self._seed, self._stream, self._index = seed, stream, index
        self._block = 0
        self._pool = 0
        self._refill()

    def _refill(self) -> None:
        # Named parts, not a key tuple unpacked: this runs for every record built.
        seed, stream, index, block = self._seed, self._stream, self._index, self._block
        self._block = block + 4
        self._pool = (
            hash((seed, stream, index, block)) & _MASK64
            | (hash((seed, stream, index, block + 1)) & _MASK64) << 64
            | (hash((seed, stream, index, block + 2)) & _MASK64) << 128
            | (hash((seed, stream, index, block + 3)) & _MASK64) << 192
        )

    def below(self, n: int) -> int:
        if self._pool < 1 << 40:
            self._refill()
        self._pool, value = divmod(self._pool, n)
        return value

    # between, random and pick repeat below's body: a record makes dozens of draws, and
    # the extra call would cost more than the draw.
    def between(self, low: int, high: int) -> int:
        if self._pool < 1 << 40:
            self._refill()
        self._pool, value = divmod(self._pool, high - low)
        return low + value

    def random(self) -> float:
        if self._pool < 1 << 40:
            self._refill()
        self._pool, value = divmod(self._pool, 1 << 20)
        return value / (1 << 20)

    def pick(self, options):
        if self._pool < 1 << 40:
            self._refill()
        self._pool, value = divmod(self._pool, len(options))
        return options[value]


def _digits(rng: Draws, pattern: str) -> str:
    return "".join(str(rng.below(10)) if ch == "#" else ch for ch in pattern)
