"""Headers and fixed texts of the workbooks, in the job's language.

Every text is a msgid of the project catalogue (locale/<lang>/LC_MESSAGES/django.po), the one source of
Korean for pages and workbooks alike: a job renders inside ``translation.override(job.language)``.
"""

from __future__ import annotations

from django.utils.translation import gettext


def label(english: str) -> str:
    """``english`` in the active language, from the catalogue."""
    return gettext(english)


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return label("Yes") if value else label("No")


def choice_labels(choices) -> dict[str, str]:
    """value → label of a Django choices class, in the active language (call inside the job's override)."""
    return {value: str(text) for value, text in choices.choices}
