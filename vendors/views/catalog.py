"""The global provider catalog as firms see it: search it, and propose what is missing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from vendors import services
from vendors.choices import ProviderCategory
from vendors.forms import ProposeProviderForm, catalog_choices
from vendors.views.common import Filter, ListSpec, firm_page, form_page, list_context, require_editor

LIST = ListSpec(
    search=("legal_name", "name_ko", "brand", "key", "parent_group", "lei"),
    sorts={
        "name": (_l("Legal name"), "legal_name"),
        "brand": (_l("Brand"), "brand"),
        "country": (_l("Country"), "country"),
        "category": (_l("Category"), "category"),
        "status": (_l("Status"), "status"),
    },
    default_sort="name",
    filters=[
        Filter("category", _l("Category"), "category", ProviderCategory.choices),
        Filter("korean_entity", _l("Korean entity"), "korean_entity", [("True", _l("Yes")), ("False", _l("No"))]),
    ],
)


@login_required
def catalog_list(request: HttpRequest) -> HttpResponse:
    """Global data: everyone signed in may read the published catalog; a firm also sees its own proposals."""
    qs = catalog_choices(getattr(request, "organization", None))
    return render(request, "vendors/catalog_list.html", list_context(request, qs, LIST))


@firm_page
def catalog_propose(request: HttpRequest) -> HttpResponse:
    if (refused := require_editor(request)) is not None:
        return refused
    form = ProposeProviderForm(request.POST or None)
    return form_page(
        request, form=form, template="vendors/catalog_propose.html", context={},
        save=lambda data, _v: services.propose_provider(organization=request.organization, data=data),
        success=lambda p: f"{reverse('vendors:catalog_list')}?q={p.key}",
        done_message=_("Thank you: the provider is proposed and can be used now; the supervisor will review it."),
    )
