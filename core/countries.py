"""ISO 3166-1 alpha-2 country codes, from pycountry's copy of the standard."""

from __future__ import annotations

from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@cache
def assigned_codes() -> frozenset[str]:
    return frozenset(country.alpha_2 for country in pycountry.countries)


def is_country_code(value: str) -> bool:
    return value in assigned_codes()


@deconstructible
class CountryCodeValidator:
    """A two-letter code that ISO 3166-1 assigns to a country ("ZZ" is two letters, and no country)."""

    message = _("'%(value)s' is not an ISO 3166 country code; use two letters such as KR or US.")

    def __call__(self, value: str) -> None:
        if not is_country_code(str(value)):
            raise ValidationError(self.message, code="invalid_country", params={"value": value})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CountryCodeValidator)

    def __hash__(self) -> int:
        return hash(CountryCodeValidator)
