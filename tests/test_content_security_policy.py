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


def test_only_the_redoc_page_allows_its_nonce_and_hashed_styles(db, client):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "'nonce-" in policy and "unsafe-inline" not in policy
