"""Every page of the demo, read in Korean and in English, is in that language throughout.

The demo is seeded (``seed_demo``, as ``make run`` does) and every web page a GET can reach is rendered for a
compliance officer, a viewer, a firm administrator, a supervisor and a lead supervisor, once per language.
Object pages get an object of the demo that the person may see. A page fails when it shows

* in Korean: an English text of the catalogue left untranslated, or English words outside user data;
* in English: Hangul outside user data;
* in either: a choice code as it is stored (``cdn_security``, ``kr_only``, ``manual_workaround``, ``pass``).

User data (what people typed: a vendor's name, a finding's title) may be in either language; fields that come
in a language pair (``name``/``name_ko``) must show the active language's half (tests/language_audit.py).
"""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from tests.conftest import client_for
from tests.language_audit import HANGUL, Catalogue, foreign_language_in, raw_codes_in, visible_texts, without
from tests.routes import is_tenant_model, iter_routes

PEOPLE = {
    "officer": "officer@dalbit.demo",
    "viewer": "viewer@hanbit.demo",
    "firm_admin": "admin@nuri.demo",
    "supervisor": "supervisor@fss.demo",
    "lead_supervisor": "lead@fss.demo",
}
# Pages that answer a GET with a page only when given a query: the simulations with a scenario filled in.
QUERIES = {
    "market:simulate": "?category=cdn_security&duration_minutes=190",
    "market:my_simulate": "?category=cdn_security&duration_minutes=190&traffic_share_pct=28",
}
NOT_PAGES = {"healthz", "logout", "set_language", "password_reset_confirm", "invitation_link"}
ANONYMOUS_PAGES = ("login", "password_reset", "password_reset_done", "password_reset_complete")
# Pages the demo must reach, so that a broken enumeration cannot pass by rendering nothing.
MUST_REACH = {
    "dashboard", "vendors:vendor_list", "vendors:vendor_detail", "vendors:dependency_detail", "vendors:catalog_list",
    "vendors:service_list", "compliance:assessment_list", "compliance:assessment_detail", "compliance:finding_list",
    "review:queue", "review:review_page", "market:concentration", "market:provider_detail", "market:incidents",
    "market:simulate", "market:my_simulate", "market:simulation_detail", "audit_log", "member_list",
    "exports:list", "reports:register_import", *ANONYMOUS_PAGES,
}
# Texts of published checklist versions, which are immutable (compliance/loader.py refuses a changed file):
# they are corrected in the next version of the checklist, not here.
PUBLISHED_CHECKLIST_TEXTS = {
    "Other outsourcing of information processing (not handling individual customers' transaction data) is "
    "reported to the Governor of the FSS after the event, under the 위탁 규정.",
}
CANDIDATES = 6  # objects tried per route until one answers with a page


def _choice_codes() -> tuple[set[str], set[str]]:
    """Every stored choice value whose label (in the active language) differs from it; those with an
    underscore are matched as words."""
    import market.labels

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    codes: set[str] = set()
    for choices in subclasses(models.Choices):
        if choices.__module__.split(".")[0] not in {"accounts", "audit", "compliance", "market", "reports",
                                                      "review", "vendors", "core"}:
            continue
        codes |= {str(v) for v, label in choices.choices if isinstance(v, str) and str(label) != v}
    for table in (market.labels.OUTCOME_LABELS, market.labels.REASON_LABELS, market.labels.VIA_LABELS,
                  market.labels.FLAG_LABELS):
        codes |= {code for code, label in table.items() if str(label) != code}
    return codes, {c for c in codes if "_" in c}


def _paired_fields(model) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields}
    paired = set()
    for name in names:
        for suffix in ("_ko", "_en"):
            if name.endswith(suffix):
                base = name[: -len(suffix)]
                other = base + ("_en" if suffix == "_ko" else "_ko")
                if base in names or other in names:
                    paired |= {name, base, other} & names
    return paired


def _user_data(codes: set[str]) -> tuple[list[str], set[str], set[str]]:
    """(what people typed, longest first; the Korean halves of language pairs; the English halves).

    A stored choice code is never something a person typed, also where a snapshot keeps it in a plain text
    column (``SubmittedDependency.strategy``)."""
    typed: set[str] = set()
    korean_halves: set[str] = set()
    english_halves: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in {"contenttypes", "sessions", "admin", "auth", "axes", "otp_totp",
                                     "otp_static", "django_celery_results"}:
            continue
        paired = _paired_fields(model)
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, models.CharField | models.TextField) and not f.choices]
        if not text_fields:
            continue
        for row in model._base_manager.values(*text_fields):
            for name, value in row.items():
                if not value:
                    continue
                value = " ".join(str(value).split())
                if name in paired:
                    (korean_halves if name.endswith("_ko") else english_halves).add(value)
                else:
                    typed.add(value)
    typed = {t for t in typed if len(t) > 1 and t not in codes}
    return sorted(typed, key=len, reverse=True), korean_halves, english_halves - korean_halves


def _richness(model):
    """Objects that other rows point at most come first: a provider many firms use, not an unused one, so that
    the page shows its tables (and whatever codes they might leak)."""
    counts: Counter = Counter()
    for relation in model._meta.related_objects:
        if relation.many_to_one or relation.one_to_one:
            continue
        field = relation.field
        if field.many_to_one:
            counts.update(relation.related_model._base_manager.values_list(field.attname, flat=True))
    return lambda row: (counts[row.pk], row.pk)


def _object_candidates(route, user, org):
    """URL kwargs naming objects of the demo that this person may see, a few at a time."""
    model = route.view_model() if ("pk" in route.kwargs) else None
    main_kwarg = "pk" if model else route.kwargs[0]
    model = model or route.model_for_kwarg(main_kwarg)
    if model is None:
        return
    if is_tenant_model(model):
        rows = model._base_manager.all() if route.audience == "supervisor" else model._base_manager.filter(
            organization=org)
    else:
        rows = model._base_manager.all()
    for row in sorted(rows, key=_richness(model), reverse=True)[:CANDIDATES]:
        kwargs = {main_kwarg: row.pk}
        for kwarg in route.kwargs:
            if kwarg == main_kwarg:
                continue
            parent = route.model_for_kwarg(kwarg)
            link = next((f for f in model._meta.concrete_fields if f.is_relation and f.related_model is parent), None)
            if link is None:
                break
            kwargs[kwarg] = getattr(row, link.attname)
        else:
            yield kwargs


def _pages(user, org):
    for route in iter_routes():
        short = route.name.split(":")[-1]
        if route.is_api or short in NOT_PAGES or route.name in NOT_PAGES:
            continue
        query = QUERIES.get(route.name, "")
        if not route.kwargs:
            yield route, reverse(route.name) + query
            continue
        for kwargs in _object_candidates(route, user, org):
            try:
                yield route, reverse(route.name, kwargs=kwargs) + query
            except NoReverseMatch:
                continue


@pytest.fixture
def demo(db, settings):
    from accounts.models import Membership, User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    printout = StringIO()
    call_command("seed_demo", stdout=printout)
    people = {}
    for role, email in PEOPLE.items():
        user = User.objects.get(email=email)
        people[role] = (user, Membership._base_manager.filter(user=user).first().organization)
    return people, printout.getvalue()


def _problems(body: str, language: str, catalogue, typed, other_halves, codes, word_codes,
              halves: list[str] | None = None) -> list[str]:
    found = []
    for text in visible_texts(body):
        if text.as_stored or (text.lang and not text.lang.startswith(language)):
            continue
        if text.text in PUBLISHED_CHECKLIST_TEXTS:
            continue
        if text.text in other_halves:
            found.append(f"{text.text!r} ({text.where}): the other language's half of a bilingual field")
            continue
        # A name's half inside a longer text ("Korean name: 금융감독원") is labelled data, not the page's words;
        # shown alone it is the wrong half (caught above).
        cut = text.text[:-1].rstrip()
        if text.text.endswith("…") and any(t.startswith(cut) for t in (*typed, *(halves or ()))):
            continue  # a label cut short to fit a chart is still the user's data
        rest = without(text.text, typed)
        rest = without(rest, halves) if halves else rest
        if not rest:
            continue
        words = catalogue.msgids if language == "en" else frozenset()
        for code in raw_codes_in(rest, codes, word_codes, words):
            found.append(f"{text.text!r} ({text.where}): raw code {code!r}")
        why = foreign_language_in(rest, language, catalogue)
        if why:
            found.append(f"{text.text!r} ({text.where}): {why}")
    return found


def test_every_page_of_the_demo_is_wholly_in_the_chosen_language(demo):
    people, _printout = demo
    catalogue = Catalogue.load()
    codes = {}
    for language in ("ko", "en"):
        with translation.override(language):
            codes[language] = _choice_codes()
    typed, korean_halves, english_halves = _user_data(codes["ko"][0] | codes["en"][0])
    all_halves = sorted(korean_halves | english_halves, key=len, reverse=True)
    problems: dict[str, set[str]] = {}
    seen_pages = set()
    visits = [(client_for(user), _pages(user, org)) for user, org in people.values()]
    anonymous = [(r, reverse(r.name)) for r in iter_routes() if r.name in ANONYMOUS_PAGES]
    visits.append((client_for(None), anonymous))
    for client, pages in visits:
        covered = set()
        for route, url in pages:
            if route.name in covered:
                continue
            for language in ("ko", "en"):
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
                if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                    break
                covered.add(route.name)
                other = english_halves if language == "ko" else korean_halves
                for problem in _problems(response.content.decode(), language, catalogue, typed, other,
                                         *codes[language], halves=all_halves):
                    problems.setdefault(problem, set()).add(f"{language} {route.name}")
        seen_pages |= covered
    assert MUST_REACH <= seen_pages, f"the demo did not reach {sorted(MUST_REACH - seen_pages)}"
    report = "\n".join(f"{p}  ← {', '.join(sorted(where)[:3])}" for p, where in sorted(problems.items()))
    assert not problems, f"{len(problems)} untranslated texts or raw codes:\n{report}"


# --- the reader itself: each kind of fault is seen, and what is allowed is let through ---------------------
def _faults(html: str, language: str, typed=(), other_halves=frozenset()) -> list[str]:
    with translation.override(language):
        codes, word_codes = _choice_codes()
    return _problems(html, language, Catalogue.load(), sorted(typed, key=len, reverse=True), other_halves,
                     codes, word_codes)


def test_the_reader_sees_an_english_header_on_a_korean_page():
    assert _faults("<table><th><a>Contract end ↑</a></th></table>", "ko")
    assert _faults("<p>Vendor register</p>", "ko")  # a msgid of the catalogue left untranslated
    assert not _faults("<p>공급업체 관리대장 (CDN, SOC 2, ISO 27001)</p>", "ko")


def test_the_reader_sees_hangul_on_an_english_page_but_not_a_bracketed_gloss():
    assert _faults("<h1>Vendors <small>협력업체</small></h1>", "en")
    assert _faults("<span>부적정 / inadequate</span>", "en")
    assert not _faults("<p>Priority contract (중점관리)</p><p>전자금융감독규정 (EFSR) Art. 14-2</p>", "en")
    assert not _faults('<button lang="ko">한국어</button>', "en")


def test_the_reader_sees_raw_codes_and_the_other_half_of_a_firm_name():
    assert _faults("<td>cdn_security</td>", "en") and _faults("<td>manual_workaround</td>", "ko")
    assert _faults("<td>non_compliant</td>", "en")
    assert _faults("<td>Dalbit Exchange</td>", "ko", other_halves={"Dalbit Exchange"})
    assert not _faults("<td>CDN and WAF</td>", "ko", typed={"CDN and WAF"})  # what a person typed


def test_seed_demo_prints_in_the_default_language(settings):
    from accounts.management.commands.seed_demo import Command
    from accounts.models import Organization
    from accounts.roles import Role
    from core.demo import DemoLogin, DemoWorld

    dalbit = Organization(name="Dalbit Exchange", name_ko="달빛거래소")
    nuri = Organization(name="Nuri Pay", name_ko="누리페이")
    world = DemoWorld(logins=[DemoLogin("auditor@group.demo", Role.VIEWER.label, (dalbit, nuri))])
    printed = {}
    for language in ("ko", "en"):
        settings.LANGUAGE_CODE = language
        out = StringIO()
        Command(stdout=out)._print(world, {"auditor@group.demo"})
        printed[language] = out.getvalue()
    assert "데모 데이터" in printed["ko"] and "달빛거래소 + 누리페이" in printed["ko"] and "조회자" in printed["ko"]
    assert "2단계 인증" in printed["ko"]
    assert not [w for w in ("Demo data", "Second factor", "Viewer", "Dalbit") if w in printed["ko"]]
    assert "Demo data ready" in printed["en"] and "Dalbit Exchange + Nuri Pay" in printed["en"]
    assert not HANGUL.search(printed["en"])
