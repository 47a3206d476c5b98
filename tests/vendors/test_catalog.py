"""The provider catalog loader: the shipped file loads, reloading changes nothing, bad files fail clearly."""

import pytest
from django.core.management import CommandError, call_command

from vendors.catalog import CatalogFileError, load_catalog
from vendors.models import ProviderCatalog

pytestmark = pytest.mark.django_db

GOOD = """
providers:
  - {key: alpha, legal_name: "Alpha Inc.", country: US, category: cdn_security}
  - {key: beta, legal_name: "Beta Corp.", country: KR, category: dns, korean_entity: true}
subcontractors:
  - {provider: alpha, uses: [beta]}
"""


def test_the_shipped_catalog_loads_with_upstreams_and_reloading_changes_nothing():
    first = load_catalog()
    assert first.created >= 40
    assert ProviderCatalog.objects.get(key="cloudflare").category == "cdn_security"
    assert ProviderCatalog.objects.get(key="openai").upstreams.filter(key="microsoft").exists()
    second = load_catalog()
    assert (second.created, second.updated) == (0, 0)
    assert second.unchanged == first.created


def test_a_changed_entry_is_updated_by_key(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(GOOD)
    load_catalog(path)
    path.write_text(GOOD.replace("Alpha Inc.", "Alpha Incorporated"))
    result = load_catalog(path)
    assert result.updated == 1
    assert ProviderCatalog.objects.get(key="alpha").legal_name == "Alpha Incorporated"
    assert list(ProviderCatalog.objects.get(key="alpha").upstreams.values_list("key", flat=True)) == ["beta"]


@pytest.mark.parametrize(
    "text,message",
    [
        ("providers: 3", "providers"),
        ("- a\n- b", "providers"),
        ("providers:\n  - {key: a, legal_name: A, country: US}", "missing"),
        ("providers:\n  - {key: a, legal_name: A, country: US, category: nope}", "category"),
        ("providers:\n  - {key: a, legal_name: A, country: usa, category: dns}", "country"),
        ("providers:\n  - {key: a, legal_name: A, country: US, category: dns, colour: red}", "unknown fields"),
        (
            "providers:\n  - {key: a, legal_name: A, country: US, category: dns}\n"
            "  - {key: a, legal_name: B, country: US, category: dns}",
            "duplicate key",
        ),
        (
            "providers:\n  - {key: a, legal_name: A, country: US, category: dns}\n"
            "subcontractors:\n  - {provider: a, uses: [zzz]}",
            "unknown provider",
        ),
        ("providers: [\n", "YAML"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_written(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CatalogFileError, match=message):
        load_catalog(path)
    assert not ProviderCatalog.objects.exists()


def test_the_command_reports_errors_as_command_errors(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("providers: 3")
    with pytest.raises(CommandError):
        call_command("load_provider_catalog", str(path))
    call_command("load_provider_catalog")
    assert ProviderCatalog.objects.count() >= 40
