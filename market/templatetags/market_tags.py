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


@register.filter
def kind_label(code: str) -> str:
    """A firm kind's label in the reader's language ("vasp" → 가상자산사업자)."""
    from accounts.models import OrganizationKind

    return str(dict(OrganizationKind.choices).get(code, code))


@register.filter
def when(value) -> str:
    """An ISO timestamp kept in results JSON, shown in the local time zone."""
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return value or ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@register.filter
def report_reason_label(code: str) -> str:
    """Why a simulated outage is, or is not, reportable under EFSR Art. 73."""
    from vendors.reporting import REASONS

    return str(REASONS.get(code, code))
