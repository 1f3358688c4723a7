"""Salesforce tokens at rest: MultiFernet over TOKEN_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts, so a new key can be put first and the old
ones kept until `rotate_token_keys` has re-encrypted every token.
"""

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

logger = logging.getLogger(__name__)


def _development_key() -> bytes:
    # DEBUG only: stable across restarts so a dev database stays readable.
    digest = hashlib.sha256(b"crm-dev-token-key:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=4)
def _multifernet(keys: tuple[str, ...], debug: bool) -> MultiFernet:
    if not keys:
        if not debug:
            raise ImproperlyConfigured(
                "TOKEN_ENCRYPTION_KEYS is not set: Salesforce tokens cannot be stored. "
                "Generate one with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'"
            )
        logger.warning("TOKEN_ENCRYPTION_KEYS is not set: using a development key derived from SECRET_KEY.")
        return MultiFernet([Fernet(_development_key())])
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("TOKEN_ENCRYPTION_KEYS holds a key that is not a Fernet key.") from exc


def fernet() -> MultiFernet:
    return _multifernet(tuple(settings.TOKEN_ENCRYPTION_KEYS), settings.DEBUG)


def check_configuration() -> None:
    """Fail at start-up, not at the first connect, when no key is configured."""
    fernet()


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str | None:
    try:
        return fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        # The key that encrypted it is gone: the connection must be made again.
        logger.error("A stored Salesforce token cannot be decrypted with the configured keys.")
        return None


class EncryptedTextField(models.TextField):
    """A text column that only ever holds Fernet ciphertext."""

    def from_db_value(self, value, expression, connection):
        # "" is an empty token; None means no configured key can read it.
        return value if value in (None, "") else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return "" if value in (None, "") else encrypt(value)
