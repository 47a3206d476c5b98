"""Reading a rendered page the way a person does, to tell whether it is wholly in one language.

Used by tests/test_every_page_in_both_languages.py. A page is read as its visible text: text nodes (not
scripts, styles or what a person typed into a textarea) and the attributes a person reads (``title``,
``placeholder``, ``aria-label``, ``alt``, a button's ``value``). What people entered (a vendor's name, a
finding's title) is user data and may be in either language; it is recognised by value, from the database.
Fields that come in a language pair (``name``/``name_ko``, ``text_ko``/``text_en``) are not user data in
that sense: the page must show the half of the active language, so the other half counts as a fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
SPACES = re.compile(r"\s+")

READABLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
HIDDEN_CONTENT = {"script", "style", "textarea", "template"}
# Stored values shown as such (the audit log's before/after): a person reads them as data, not as the page's
# language.
AS_STORED = {"code", "pre"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

# Words that stay in Latin letters in a Korean page: acronyms and names of standards, file formats and
# products, as Korean supervisory documents write them.
LATIN_IN_KOREAN = {
    "API", "CDN", "CSV", "DNS", "EFSR", "Excel", "HHI", "ID", "IdP", "LEI", "RTO", "RPO", "SHA", "SPOF",
    "TOTP", "URL", "VASP", "xlsx", "XLSX", "ISO", "KR", "TPRM", "EC", "PROVIDER", "HTTP", "JSON", "PDF", "OTP",
    "DOJ", "FTC", "US", "Token", "IaaS", "PaaS", "SaaS", "MTD", "SLA", "BCP", "DR", "IT", "KST", "UTC",
    "Swagger", "OpenAPI", "Backstop", "Cloudflare", "Authorization", "bst", "htmx", "ZIP", "zip", "SMS",
    "HTML", "UI", "QR", "Google", "Authenticator", "Microsoft", "FSS", "FSC", "SVG", "PNG", "ISMS", "AWS",
    "GitHub", "Redis", "Celery", "Django", "TLS", "SSL", "PKI", "CA", "WAF", "DDoS", "SSO", "MFA", "GB", "MB",
    "KB", "Atlassian", "Statuspage", "RSS", "Atom", "min", "T1", "T2", "T3", "T4", "G1", "G2", "G4", "G5", "F1", "F5",
}


def _kept_in_latin(word: str) -> bool:
    """Acronyms (CDN, SOC, BYOK), identifiers with digits (ISO 27001, ap-northeast-2) and listed names."""
    return (
        word in LATIN_IN_KOREAN
        or any(c.isdigit() for c in word)
        or word.replace("-", "").isupper()
        or len(word) == 1
    )


@dataclass
class Text:
    text: str
    where: str  # the tag (or tag@attribute) it was read from
    lang: str | None = None  # the nearest lang attribute: a text marked as another language is that language
    as_stored: bool = False


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.hidden = 0
        self.stored = 0
        self.texts: list[Text] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in READABLE_ATTRIBUTES:
            if attrs.get(name):
                self._add(attrs[name], f"{tag}@{name}")
        if tag == "input" and (attrs.get("type") or "").lower() in ("submit", "button", "reset") and attrs.get("value"):
            self._add(attrs["value"], "input@value")
        if tag in VOID:
            return
        stored = tag in AS_STORED or "data-stored" in attrs  # a value as it was saved (the audit log's object)
        self.stack.append((tag, attrs.get("lang") or self._lang(), stored))
        if tag in HIDDEN_CONTENT:
            self.hidden += 1
        if stored:
            self.stored += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in (t for t, _lang, _stored in self.stack):
            return
        while self.stack:
            top, _lang, stored = self.stack.pop()
            if top in HIDDEN_CONTENT:
                self.hidden -= 1
            if stored:
                self.stored -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if not self.hidden:
            self._add(data, self.stack[-1][0] if self.stack else "")

    def _lang(self) -> str | None:
        return self.stack[-1][1] if self.stack else None

    def _add(self, text: str, where: str):
        text = SPACES.sub(" ", text).strip()
        if text:
            self.texts.append(Text(text, where, self._lang(), bool(self.stored)))


def visible_texts(html: str) -> list[Text]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.texts


@dataclass
class Catalogue:
    """English msgids whose Korean differs, and every translated text of each language."""

    english: set[str] = field(default_factory=set)  # msgids with a Korean translation that differs
    msgids: set[str] = field(default_factory=set)  # every English text of the catalogue
    korean_texts: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Catalogue:
        catalogue = cls()
        for entry in polib.pofile(str(ROOT / "locale/ko/LC_MESSAGES/django.po")):
            translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                catalogue.msgids.add(SPACES.sub(" ", msgid).strip())
                if "%(" in msgid or "{" in msgid:
                    continue  # a page shows these interpolated, never as they are written
                if any(t and t != msgid for t in translations):
                    catalogue.english.add(SPACES.sub(" ", msgid).strip())
            catalogue.korean_texts.update(t for t in translations if t)
        return catalogue


def without(text: str, phrases: list[str]) -> str:
    """The text with every phrase (user data, longest first) cut out, where it stands as words of its own."""
    for phrase in phrases:
        if phrase in text:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(phrase)}(?![A-Za-z0-9])", " ", text)
    return SPACES.sub(" ", text).strip()


def raw_codes_in(text: str, codes: set[str], word_codes: set[str], words: set[str] = frozenset()) -> list[str]:
    """Choice codes shown as they are stored: a code with an underscore anywhere as a word, a plain code
    (``pass``, ``none``…) when it is all the letters of the text (beside a date or a number) and not one of
    ``words``, the page language's own texts (English "none" is a word, not the stored code)."""
    found = [word for word in re.findall(r"[a-z][a-z0-9_]*[a-z0-9]", text) if word in word_codes]
    letters = " ".join(re.sub(r"[^A-Za-z_]+", " ", text).split())  # "2025-10-30 pass" reads as "pass"
    if letters in codes and letters not in found and letters not in words:
        found.append(letters)
    return found


# English texts may name a Korean term of art in brackets ("priority contract (중점관리)") or cite a Korean
# law by its title with the translation after it ("전자금융감독규정 (Electronic Financial Supervision
# Regulation)"), as English versions of Korean regulation do. Anything else in Hangul is untranslated.
_KOREAN_WORD = r"[\w·]*[\uac00-\ud7a3][\w·]*"
KOREAN_CITATION = re.compile(rf"{_KOREAN_WORD}(?:\s+{_KOREAN_WORD})*\s*\([^()]*[A-Za-z][^()]*\)")
BRACKETED = re.compile(r"\([^()]*\)")
# A path or address (/api/v2/summary.json, https://…) is an identifier, not English prose.
PATH = re.compile(r"\S*/\S*[A-Za-z0-9]")


def foreign_language_in(text: str, language: str, catalogue: Catalogue) -> str | None:
    """Why this text (user data already cut out) is not in ``language``, or None."""
    if language == "en":
        glossed = BRACKETED.sub(" ", KOREAN_CITATION.sub(" ", text))
        return "Hangul on an English page" if HANGUL.search(glossed) else None
    if text in catalogue.english:
        return "untranslated msgid"
    if HANGUL.search(text):  # a Korean sentence may gloss a term in English: "합성 모니터링(synthetic check)"
        text = BRACKETED.sub(" ", text)
    words = [w for w in WORD.findall(PATH.sub(" ", text)) if not _kept_in_latin(w)]
    if words:
        return "English on a Korean page: " + " ".join(words)
    return None
