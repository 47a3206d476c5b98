"""Dashboard panels per role. Apps add panels by registering a provider here."""

from __future__ import annotations

from collections.abc import Callable

PanelProvider = Callable[[object], list[dict]]
_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    _providers.append(provider)
    return provider


def panels_for(request) -> list[dict]:
    panels: list[dict] = []
    for provider in _providers:
        panels.extend(provider(request))
    return panels
