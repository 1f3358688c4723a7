"""User records."""

from __future__ import annotations

from sfsandbox import wordlists as words
from sfsandbox.generator.base import FactoryBase


class UserBuilders(FactoryBase):
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
