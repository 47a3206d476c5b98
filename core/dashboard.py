"""Dashboard panels per role. Apps add panels by registering a provider here."""

from __future__ import annotations

from collections.abc import Callable

PanelProvider = Callable[[object], list[dict]]
_providers: list[PanelProvider] = []
# Charts: {"key", "title", "svg", "rows": [(label, value)], "url", "link"}; the rows are the same numbers
# as a table beside the picture, so the chart is never the only way to read them.
_chart_providers: list[PanelProvider] = []


def register(provider: PanelProvider) -> PanelProvider:
    _providers.append(provider)
    return provider


def panels_for(request) -> list[dict]:
    panels: list[dict] = []
    for provider in _providers:
        panels.extend(provider(request))
    return panels


def register_chart(provider: PanelProvider) -> PanelProvider:
    _chart_providers.append(provider)
    return provider


def charts_for(request) -> list[dict]:
    charts: list[dict] = []
    for provider in _chart_providers:
        charts.extend(provider(request))
    return sorted(charts, key=lambda chart: chart.get("order", 99))
