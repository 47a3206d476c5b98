"""An officer's, a viewer's, a supervisor's and a lead supervisor's day in a real browser, in Korean and in
English: the grouped navigation, the dashboard's charts, the vendor form's error summary and picker, a refused
inline save explained in place, a finding moved along its lifecycle, the audit log's filters, a viewer offered
nothing to change, a lead's review, market and outage pages. Any console error or page error fails the walk
(a form re-rendered with its errors answers 400 on purpose: that one document load is expected), and so does
any visible text of a visited page that is not in the page's language (tests/browser/language.py)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import OrganizationKind
from accounts.roles import Role
from tests.browser.language import LanguageCheck
from tests.browser.login import log_in
from tests.compliance.webtools import assessment_with
from tests.factories.accounts import make_authenticator, make_member, make_org
from tests.factories.compliance import make_finding
from tests.factories.outages import make_feed, make_live_outage
from tests.factories.vendors import make_chain, make_provider
from tests.market.helpers import dep, submit_register
from vendors.models import OutageEvent, Vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HANGUL = re.compile(r"[가-힣]")
EXPECTED_400 = "the server responded with a status of 400"
EXPECTED_422 = "the server responded with a status of 422"  # a refused inline save, answered in place


class Console:
    """Collects console errors and uncaught page errors; ``allow_400`` / ``allow_422`` let an invalid form's
    answer through while they are set."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.allow_400 = self.allow_422 = False
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message):
        if message.type != "error":
            return
        if self.allow_400 and EXPECTED_400 in message.text:
            return
        if self.allow_422 and EXPECTED_422 in message.text:
            return
        self.errors.append(message.text)


def _go(page, selector):
    with page.expect_navigation():
        page.click(selector)


def _english(page):
    _go(page, 'button[name="language"][value="en"]')


def _nav(page, group, link):
    page.locator("details[data-navgroup] > summary", has_text=group).click()
    _go(page, f'details[data-navgroup][open] a:has-text("{link}")')


@pytest.fixture
def firm():
    org = make_org("Echo Exchange", OrganizationKind.VASP)
    make_member(org, Role.OFFICER, "officer@echo.test")
    make_member(org, Role.VIEWER, "viewer@echo.test")
    make_chain(org, strategy=None)  # a critical service on one vendor: a SPOF for the charts
    make_provider("cloudflare-like", brand="Flarecloud")
    make_provider("akamai-like", brand="Akamized")
    make_finding(org, title="No exit plan for the CDN", severity="critical")
    org.journey_assessment = assessment_with(org, n=4, title="Echo 2025 self-assessment")
    return org


@pytest.mark.parametrize("language", ["ko", "en"])
def test_an_officers_day(language, firm, browser_page, live_server):
    page, base = browser_page, live_server.url
    console, text = Console(page), LanguageCheck(language)
    log_in(page, base, "officer@echo.test")
    if language == "en":
        _english(page)
    text.read(page)
    words = {
        "ko": {"register": "관리대장", "vendors": "우리 회사 공급업체", "assessments": "평가", "findings": "지적사항",
               "reports": "보고서", "audit": "감사 로그", "status": "조치 중"},
        "en": {"register": "Register", "vendors": "Our vendors", "assessments": "Assessments",
               "findings": "Findings", "reports": "Reports", "audit": "Audit log", "status": "In progress"},
    }[language]

    # The dashboard draws its pictures; the navigation is in groups, in the page's language.
    for key in ("spof_by_service", "tiers", "findings_by_severity"):
        assert page.locator(f'[data-testid="chart-{key}"] svg').count() == 1, key
    summaries = page.locator("details[data-navgroup] > summary").all_inner_texts()
    assert len(summaries) == 5
    assert all(bool(HANGUL.search(s)) == (language == "ko") for s in summaries), summaries

    # The vendor form: submit it empty, read the summary at the top, filter the subcontractor picker.
    _nav(page, words["register"], words["vendors"])
    text.read(page)
    _go(page, '[data-testid="vendor-create"]')
    console.allow_400 = True
    _go(page, '[data-testid="save"]')
    console.allow_400 = False
    text.read(page)
    summary = page.locator('[data-testid="error-summary"]')
    assert summary.is_visible() and summary.locator("li").count() >= 3
    assert page.evaluate("document.activeElement && document.activeElement.dataset.testid") == "error-summary"
    page.fill("[data-picker-search]", "flare")
    assert page.locator(".picker-option:visible").count() == 1
    page.locator(".picker-option:visible input").check()
    assert page.inner_text("[data-picker-count]") == "(1)"
    text.read(page)

    # An N/A answer without its reason is refused in place: the message under the field, the page whole.
    page.goto(f"{base}/compliance/assessments/{firm.journey_assessment.pk}/")
    card = page.locator('[data-testid="requirement-W-A1"]')
    card.locator('input[value="not_applicable"]').check()
    console.allow_422 = True
    card.locator('[data-testid="save-W-A1"]').click()
    expect(card.locator('[data-testid="na-reason-error"]')).to_be_visible()
    console.allow_422 = False
    expect(page.locator('[data-testid="score-box"]')).to_be_visible()
    text.read(page)

    # A finding moves to "in progress" from its page; its history says so in words.
    _nav(page, words["assessments"], words["findings"])
    text.read(page)
    _go(page, '[data-testid="finding-row"] a')
    page.select_option("#id_status", "in_progress")
    page.fill("#id_note", "Second CDN contract signed")
    _go(page, '[data-testid="finding-status-save"]')
    assert page.inner_text('[data-testid="finding-status"]') == words["status"]
    assert words["status"] in page.inner_text('[data-testid="finding-history"]')
    text.read(page)

    # The audit log filters by kind of object and offers the filtered download.
    _nav(page, words["reports"], words["audit"])
    page.select_option("#id_kind", "compliance.Finding")
    _go(page, '[data-testid="audit-filters"] button[type="submit"]')
    assert page.locator('[data-testid="audit-row"]').count() >= 2
    assert "kind=compliance.Finding" in page.get_attribute('[data-testid="audit-export"]', "href")
    text.read(page)

    # At phone width the menu is collapsed until asked for, and wide tables scroll in their own box.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/compliance/findings/")
    assert not page.locator('[data-testid="mainnav"]').is_visible()
    page.click('[data-testid="nav-toggle"]')
    assert page.locator('[data-testid="mainnav"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    # The assessment page stays one readable column, never wider than the phone.
    page.goto(f"{base}/compliance/assessments/{firm.journey_assessment.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    text.read(page)

    assert console.errors == []
    assert text.pages == 9 and text.problems == [], "\n".join(text.problems)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_supervisors_day(language, browser_page, live_server):
    regulator = make_org("Journey FSS", OrganizationKind.REGULATOR)
    make_authenticator(make_member(regulator, Role.SUPERVISOR, "supervisor@journey.test"))
    page, base = browser_page, live_server.url
    console, text = Console(page), LanguageCheck(language)
    log_in(page, base, "supervisor@journey.test")
    if language == "en":
        _english(page)
    text.read(page)
    market, concentration = ("시장", "시장 집중도") if language == "ko" else ("Market", "Market concentration")

    assert page.locator('[data-testid^="chart-"]').count() == 0  # firm charts are not a supervisor's
    _go(page, 'a.nav-top[data-nav="review"]')
    assert "/review/queue/" in page.url
    text.read(page)
    _nav(page, market, concentration)
    assert "/market/" in page.url
    heading = page.inner_text("h1")
    assert bool(HANGUL.search(heading)) == (language == "ko"), heading
    text.read(page)
    page.goto(f"{base}/audit/?date_from=2026-02-01&date_to=2026-01-01")
    assert page.locator(".field-error").count() == 1  # the reversed range is an error on its field
    console.errors = [e for e in console.errors if EXPECTED_400 not in e]
    text.read(page)

    assert console.errors == []
    assert text.problems == [], "\n".join(text.problems)


# Controls that change firm data; a viewer is offered none of them.
EDIT_CONTROLS = (
    '[data-testid="vendor-create"], [data-testid^="save"], [data-testid^="upload-"], [data-testid="submit"], '
    '[data-testid="finding-status-save"], main a[href$="/edit/"], main a[href$="/delete/"], '
    'main a[href$="/new/"], main form[method="post"], main form[method="POST"]'
)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_viewers_day(language, firm, browser_page, live_server):
    page, base = browser_page, live_server.url
    console, text = Console(page), LanguageCheck(language)
    log_in(page, base, "viewer@echo.test")
    if language == "en":
        _english(page)
    vendor = Vendor.objects.for_org(firm).order_by("pk").first()
    pages = [
        "/", "/vendors/", f"/vendors/{vendor.pk}/", "/compliance/assessments/",
        f"/compliance/assessments/{firm.journey_assessment.pk}/", "/compliance/findings/", "/audit/",
    ]
    for path in pages:
        page.goto(f"{base}{path}")
        assert page.url == f"{base}{path}", f"{path} led to {page.url}"
        assert page.locator(EDIT_CONTROLS).count() == 0, f"{path} offers a viewer an edit control"
        text.read(page)
    # The assessment is read-only: its answers are shown, not offered as choices.
    page.goto(f"{base}/compliance/assessments/{firm.journey_assessment.pk}/")
    assert page.locator('[data-testid="requirement-W-A1"]').is_visible()
    assert page.locator('[data-testid="requirement-W-A1"] input:not([disabled])').count() == 0

    assert console.errors == []
    assert text.pages == len(pages) and text.problems == [], "\n".join(text.problems)


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_lead_supervisors_day(language, browser_page, live_server):
    regulator = make_org("Journey FSS", OrganizationKind.REGULATOR)
    make_authenticator(make_member(regulator, Role.LEAD_SUPERVISOR, "lead@journey.test"))
    cdn = make_provider("cloudflare", legal_name="Cloudflare, Inc.", brand="Cloudflare")
    exchange = make_org("Tight RTO Exchange", OrganizationKind.VASP)
    submission = submit_register(exchange, [dep(cdn, service="WEB", rto=60)])
    start = timezone.make_aware(datetime.datetime(2025, 11, 18, 11, 48))
    event = OutageEvent.objects.create(name="Cloudflare global outage, 18 Nov 2025", name_ko="클라우드플레어 장애",
                                       provider=cdn, started_at=start, ended_at=start + datetime.timedelta(minutes=174))
    make_feed(cdn)
    make_live_outage(cdn)
    page, base = browser_page, live_server.url
    console, text = Console(page), LanguageCheck(language)
    log_in(page, base, "lead@journey.test")
    if language == "en":
        _english(page)

    for path in ("/review/queue/", f"/review/submissions/{submission.pk}/", "/market/concentration/"):
        page.goto(f"{base}{path}")
        assert page.url == f"{base}{path}", f"{path} led to {page.url}"
        text.read(page)
    assert "Cloudflare" in page.inner_text("main")
    page.goto(f"{base}/market/simulate/")
    text.read(page)
    with page.expect_navigation():
        page.click(f'[data-testid="scenario-{event.pk}"]')
    assert (exchange.name_ko if language == "ko" else exchange.name) in page.inner_text('[data-testid="breaching"]')
    text.read(page)
    for path in ("/outages/", "/outages/feeds/"):
        page.goto(f"{base}{path}")
        assert page.url == f"{base}{path}", f"{path} led to {page.url}"
        text.read(page)

    assert console.errors == []
    assert text.pages == 7 and text.problems == [], "\n".join(text.problems)


def test_the_browser_reader_sees_untranslated_and_stray_text_but_not_hidden_text(browser_page, live_server):
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    add = """([html, hidden]) => {
      const p = document.createElement("p");
      p.innerHTML = html;
      p.hidden = hidden;
      document.querySelector("main").append(p);
    }"""
    korean = LanguageCheck("ko")
    korean.read(page)
    assert korean.problems == []
    page.evaluate(add, ["Vendor register", True])  # hidden: a person does not read it
    korean.read(page)
    assert korean.problems == []
    page.evaluate(add, ['<span title="Contract end">계약 종료</span>', False])
    korean.read(page)
    assert korean.problems == ["/accounts/login/: 'Contract end' (span@title): untranslated msgid"]
    english = LanguageCheck("en")  # the page is Korean; a part marked as English is read as English
    page.evaluate(add, ['<span lang="en">Vendors <small>협력업체</small></span>', False])
    english.read(page)
    assert any("'협력업체' (small): Hangul on an English page" in p for p in english.problems), english.problems
