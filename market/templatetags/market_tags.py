from django import template

from market.labels import FLAG_LABELS, OUTCOME_LABELS, REASON_LABELS, VIA_LABELS

register = template.Library()


@register.filter
def outcome_label(code: str) -> str:
    return OUTCOME_LABELS.get(code, code)


@register.filter
def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code)


@register.filter
def via_label(code: str) -> str:
    return VIA_LABELS.get(code, code)


@register.filter
def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code)


@register.filter
def get(mapping: dict, key: str):
    return (mapping or {}).get(key, 0)
