from django import template

from ..labels import LABELS

register = template.Library()


@register.filter
def sobject_labels(types) -> str:
    """["Account", "Contact"] -> "Accounts, Contacts"."""
    return ", ".join(LABELS.get(t, t) for t in types or [])
