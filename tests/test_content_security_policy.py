"""The Content Security Policy: sent on every page, no 'unsafe-inline', and no template that would need it."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    'style=""': re.compile(r"\sstyle\s*=", re.I),
    'on*="" handler': re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"))  # comments may name what they avoid
        found += [f"{path.relative_to(TEMPLATES)}: {kind}" for kind, pattern in INLINE.items() if pattern.search(text)]
    assert not found, found


def test_pages_carry_a_strict_policy(world, as_user):
    for url in ("/accounts/login/", "/", "/api/docs/"):
        policy = as_user(world.a_officer).get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url


def test_the_old_redoc_address_leads_to_the_self_served_swagger_ui(db, client):
    # Redoc's bundle loads its logo from Redocly's CDN: the app serves no page that reaches for another host.
    response = client.get("/api/redoc/")
    assert response.status_code == 302 and response["Location"] == "/api/docs/"
