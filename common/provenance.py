"""Where a record came from, and what its custom fields are called: hooks for other apps.

Host apps never import an importer (NOTES 6); an importer registers providers here
instead (salesforce_imports does in its AppConfig.ready), and the record pages ask.

- A provenance provider is `provider(obj) -> list of dicts`, each dict one source the
  record came from (or was matched to):
  {"source": "Salesforce", "label": "Imported from Salesforce", "external_id": "001...",
   "external_url": "https://.../001..." or None, "job_url": "/settings/..." or None}.
- A custom-field label provider is `provider(model_cls, org_id) -> {api_name: label}`.
- A custom-field target provider is `provider(model_cls, org_id) -> {api_name: CRM model
  class}` for lookup fields whose target is a CRM model, so a page can link the value
  (`{"salesforce_id": ..., "id": CRM id or null}`) to that record.

A provider that raises is logged and skipped: a record page never fails because of one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_provenance: list[Callable] = []
_labels: list[Callable] = []
_targets: list[Callable] = []


def register(provider: Callable) -> Callable:
    """Add a provenance provider (idempotent; usable as a decorator)."""
    if provider not in _provenance:
        _provenance.append(provider)
    return provider


def unregister(provider: Callable) -> None:
    if provider in _provenance:
        _provenance.remove(provider)


def register_custom_field_labels(provider: Callable) -> Callable:
    """Add a custom-field label provider (idempotent; usable as a decorator)."""
    if provider not in _labels:
        _labels.append(provider)
    return provider


def unregister_custom_field_labels(provider: Callable) -> None:
    if provider in _labels:
        _labels.remove(provider)


def register_custom_field_targets(provider: Callable) -> Callable:
    """Add a custom-field lookup target provider (idempotent; usable as a decorator)."""
    if provider not in _targets:
        _targets.append(provider)
    return provider


def unregister_custom_field_targets(provider: Callable) -> None:
    if provider in _targets:
        _targets.remove(provider)


def for_object(obj) -> list[dict]:
    """Every registered provider's entries for `obj`, in registration order."""
    entries = []
    for provider in list(_provenance):
        try:
            entries.extend(provider(obj) or [])
        except Exception:
            log.exception("Provenance provider %r failed for %s %s", provider, type(obj).__name__, obj.pk)
    return entries


def custom_field_labels(model_cls, org_id) -> dict[str, str]:
    """{api_name: label} for the org's custom fields of `model_cls` (later providers win)."""
    labels: dict[str, str] = {}
    for provider in list(_labels):
        try:
            labels.update(provider(model_cls, org_id) or {})
        except Exception:
            log.exception("Custom field label provider %r failed for %s", provider, model_cls.__name__)
    return labels


def custom_field_targets(model_cls, org_id) -> dict[str, type]:
    """{api_name: CRM model class} for the org's lookup custom fields of `model_cls`."""
    targets: dict[str, type] = {}
    for provider in list(_targets):
        try:
            targets.update(provider(model_cls, org_id) or {})
        except Exception:
            log.exception("Custom field target provider %r failed for %s", provider, model_cls.__name__)
    return targets
