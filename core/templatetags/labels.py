from django import template

from core.labels import choice_label

register = template.Library()


@register.filter
def label(code: str | None, kind: str) -> str:
    """``{{ row.strategy|label:"strategy" }}``: a stored code as the reader's label (core/labels.py)."""
    return choice_label(kind, code)
