"""The untranslated-text check of tests/language_audit.py, applied to a page as the browser shows it.

The page-by-page test (tests/test_every_page_in_both_languages.py) reads the HTML the server sends; here the
same checker reads what a person sees after scripts ran: the visible text nodes (charts drawn in SVG, pickers
and counts filled in, fragments swapped in by htmx) and the attributes a person reads. User data, read from
the database at each check, may be in either language; the other language's half of a bilingual field, a
raw choice code or text of the wrong language is a fault.
"""

from django.utils import translation

from audit.models import AuditEvent
from tests.language_audit import Catalogue, foreign_language_in, raw_codes_in, without
from tests.test_every_page_in_both_languages import PUBLISHED_CHECKLIST_TEXTS, _choice_codes, _user_data

# [text, where, nearest lang, inside code/pre, inside an audit log row] for every visible text node and
# readable attribute. A function (not a string to evaluate), which the page's CSP allows.
READ_VISIBLE_TEXT = """() => {
  const shown = (el) => {
    const box = el.closest("option, optgroup") ? el.closest("select") : el;
    return box && box.checkVisibility({checkOpacity: false, checkVisibilityCSS: true});
  };
  const entry = (text, el, where) => {
    const lang = el.closest("[lang]");
    return [text.replace(/\\s+/g, " ").trim(), where, lang ? lang.getAttribute("lang") : null,
            !!el.closest("code, pre"), !!el.closest('[data-testid="audit-row"]')];
  };
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.data.trim() || el.closest("script, style, textarea, template, noscript") || !shown(el)) continue;
    out.push(entry(node.data, el, el.tagName.toLowerCase()));
  }
  for (const el of document.body.querySelectorAll("[title], [placeholder], [aria-label], [alt], input[value]")) {
    if (!shown(el)) continue;
    for (const name of ["title", "placeholder", "aria-label", "alt"]) {
      if (el.getAttribute(name)) out.push(entry(el.getAttribute(name), el, `${el.tagName.toLowerCase()}@${name}`));
    }
    const type = (el.getAttribute("type") || "").toLowerCase();
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(type) && el.value) {
      out.push(entry(el.value, el, "input@value"));
    }
  }
  return out.filter((row) => row[0]);
}"""


def _strings(value):
    if isinstance(value, str):
        yield " ".join(value.split())
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def recorded_values() -> list[str]:
    """What the audit log shows as it was recorded: an object's name at the time, a field's old and new value
    (a Korean name stays Korean on an English page). Field labels and choice labels around them are not."""
    values = set()
    for object_repr, changes in AuditEvent._base_manager.values_list("object_repr", "changes"):
        values.add(" ".join(object_repr.split()))
        values.update(_strings(changes))
    return sorted((v for v in values if len(v) > 1), key=len, reverse=True)


class LanguageCheck:
    """Reads each page a journey visits; ``problems`` lists what was not in the page's language, by URL."""

    def __init__(self, language: str):
        self.language = language
        self.catalogue = Catalogue.load()
        with translation.override(language):
            self.codes, self.word_codes = _choice_codes()
        with translation.override("ko" if language == "en" else "en"):
            self.all_codes = self.codes | _choice_codes()[0]
        self.problems: list[str] = []
        self.pages = 0

    def read(self, page) -> None:
        typed, korean_halves, english_halves = _user_data(self.all_codes)
        other_halves = english_halves if self.language == "ko" else korean_halves
        words = self.catalogue.msgids if self.language == "en" else frozenset()
        rows = page.evaluate(READ_VISIBLE_TEXT)
        recorded = recorded_values() if any(row[4] for row in rows) else []
        path = page.url.split("//", 1)[-1].split("/", 1)[-1]
        self.pages += 1
        for text, where, lang, as_stored, in_audit_row in rows:
            if as_stored or (lang and not lang.startswith(self.language)) or text in PUBLISHED_CHECKLIST_TEXTS:
                continue
            if in_audit_row:
                text = without(text, recorded)
                if not text:
                    continue
            if text in other_halves:
                self.problems.append(f"/{path}: {text!r} ({where}): the other language's half of a bilingual field")
                continue
            rest = without(text, typed)
            if not rest:
                continue
            for code in raw_codes_in(rest, self.codes, self.word_codes, words):
                self.problems.append(f"/{path}: {text!r} ({where}): raw code {code!r}")
            why = foreign_language_in(rest, self.language, self.catalogue)
            if why:
                self.problems.append(f"/{path}: {text!r} ({where}): {why}")
