"""Under the Content Security Policy (no inline script or style, our own origin only) the main pages, the htmx
interactions and the API docs work, and the browser reports no violation and no console error."""

import pytest

from accounts.models import OrganizationKind
from accounts.roles import Role
from tests.browser.login import log_in
from tests.compliance.webtools import assessment_with
from tests.factories.accounts import make_authenticator, make_member, make_org
from tests.factories.vendors import make_vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of each page (Playwright injects it outside the page's policy).
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(
    e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber
  );
});
"""


class Watch:
    """Console errors, uncaught page errors and CSP violations, collected page by page."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def visit(self, url: str, ready: str | None = None):
        response = self.page.goto(url)
        assert response.status == 200, f"{url} → {response.status}"
        policy = response.header_value("content-security-policy") or ""
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, f"{url}: {policy!r}"
        if ready:
            self.page.wait_for_selector(ready)
        self.check(url)

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__violations || []")
        assert not violations, f"{where}: {violations}"
        assert not self.problems, f"{where}: {self.problems}"


def test_main_pages_htmx_and_the_api_docs_run_under_the_policy_without_violations(browser_page, live_server):
    firm = make_org("Epsilon Bank", OrganizationKind.BANK)
    make_authenticator(make_member(firm, Role.FIRM_ADMIN, "admin@epsilon.test"))
    make_vendor(firm, name="Searchable CDN")
    make_vendor(firm, name="Other vendor")
    assessment = assessment_with(firm, 3, title="CSP check 2025")
    page, base = browser_page, live_server.url
    watch = Watch(page)

    watch.visit(f"{base}/accounts/login/")
    log_in(page, base, "admin@epsilon.test")  # through the second-factor page
    watch.check("login and second factor")

    watch.visit(f"{base}/")
    watch.visit(f"{base}/vendors/", ready='[data-testid="search"]')
    page.fill('[data-testid="search"]', "Searchable")  # htmx swaps the results in place
    page.wait_for_function("() => !document.querySelector('#results').innerText.includes('Other vendor')")
    assert "Searchable CDN" in page.inner_text("#results")
    watch.check("vendor search (htmx)")

    watch.visit(f"{base}/compliance/assessments/{assessment.pk}/", ready='[data-testid="rating"]')
    watch.visit(f"{base}/accounts/members/")
    watch.visit(f"{base}/accounts/security/")
    watch.visit(f"{base}/accounts/second-factor/enrol/", ready='[data-testid="qr"] svg')
    watch.visit(f"{base}/accounts/tokens/")

    watch.visit(f"{base}/api/docs/", ready=".swagger-ui .info .title")
    assert "Backstop API" in page.inner_text(".swagger-ui .info .title")
    watch.visit(f"{base}/api/redoc/", ready=".swagger-ui .info .title")  # the old address, redirected
    watch.check("api docs")
