"""The main navigation: five groups instead of fourteen items, the firm's vendors named apart from the
provider catalog, and a phone menu that needs no script."""

import re

from django.urls import reverse

from tests.compliance.webtools import english_client


def nav(body: str) -> str:
    return body[body.index('data-testid="mainnav"'):body.index("</nav>", body.index('data-testid="mainnav"'))]


def top_level(html: str) -> list[str]:
    return re.findall(r'<a class="nav-top"[^>]*>([^<]+)</a>|<summary>([^<]+)</summary>', html)


def test_an_officer_sees_groups_not_fourteen_items(world):
    html = nav(english_client(world.a_officer).get(reverse("dashboard")).content.decode())
    items = [a or b for a, b in top_level(html)]
    assert items == ["Dashboard", "Register", "Assessments", "Reports", "Market", "Admin"]
    assert "Our vendors" in html and "Provider catalog (all firms)" in html
    assert reverse("audit_log") in html and reverse("market:my_concentration") in html


def test_a_supervisor_sees_the_queue_and_the_market(world):
    html = nav(english_client(world.supervisor).get(reverse("dashboard")).content.decode())
    items = [a or b for a, b in top_level(html)]
    assert items[:3] == ["Dashboard", "Review queue", "Market"]
    assert "Our vendors" not in html


def test_the_phone_menu_is_a_checkbox_and_label(world):
    body = english_client(world.a_viewer).get(reverse("dashboard")).content.decode()
    assert 'id="nav-toggle"' in body and 'for="nav-toggle"' in body
    assert "<script>" not in body
