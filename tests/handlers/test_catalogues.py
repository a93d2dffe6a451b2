"""The catalogues: no reader-facing message escapes them, and every one is translated in uk and ru.

The .pot must hold exactly the messages of the code (scripts/catalogues.sh refreshes it), each
language's .po must translate every one of them (all plural forms, the same placeholders, none
fuzzy), and the bot speaks from those files as it runs.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.plurals import get_plural

from handlers.i18n import ENGLISH, LANGUAGES, _, catalogue, compiled, ngettext, speaking_in, supported
from handlers.registry import REGISTRY
from tests.handlers import catalogues as cat

TRANSLATED = tuple(code for code in LANGUAGES if code != ENGLISH)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return cat.read(cat.TEMPLATE)


def test_the_template_holds_every_message_of_the_code_and_no_other(template: Catalog) -> None:
    missing, gone = cat.stale(template, cat.extracted())
    assert missing == [], "messages not in handlers/locale/messages.pot (run scripts/catalogues.sh):\n" + \
        cat.listed(missing)
    assert gone == [], "messages in the .pot the code no longer has (run scripts/catalogues.sh):\n" + \
        cat.listed(gone)
    assert len(cat.ids(template)) > 250


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(template: Catalog, code: str) -> None:
    po = cat.translation(code)
    assert cat.untranslated(po, template) == [], cat.listed(cat.untranslated(po, template))
    assert len(cat.ids(po)) == len(cat.ids(template))


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_counts_by_its_languages_plural_rules(code: str) -> None:
    po = cat.translation(code)
    assert po.plural_forms == get_plural(code).plural_forms
    assert get_plural(code).num_plurals == 3


def test_a_message_added_to_the_code_and_not_extracted_fails_the_check(template: Catalog) -> None:
    missing, gone = cat.stale(template, {*cat.extracted(), "A brand-new message", ("{n} cat", "{n} cats")})
    assert sorted(missing, key=str) == [("{n} cat", "{n} cats"), "A brand-new message"]
    assert gone == []
    _missing, removed = cat.stale(template, cat.extracted() - {"Who's who"})
    assert removed == ["Who's who"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_an_untranslated_fuzzy_or_broken_message_fails_the_check(template: Catalog, code: str) -> None:
    po = cat.translation(code)
    po["Who's who"].string = ""
    po["Help"].flags.add("fuzzy")
    po[("{n} day", "{n} days")].string = ("{n} x", "{n} y")  # a form short
    po["Reminder: {event}"].string = "…: {evnt}"
    del po["Summary"]
    po.add("Not in the code", "…")
    assert sorted(cat.untranslated(po, template)) == sorted([
        "\"Who's who\": untranslated", "'Help': fuzzy",
        "('{n} day', '{n} days'): 2 plural forms, the language has 3",
        "'Reminder: {event}': placeholders differ from ['event']",
        "'Summary': missing", "'Not in the code': not in the .pot"])


def test_every_registered_commands_summary_usage_and_group_is_a_message(template: Catalog) -> None:
    shown = cat.ids(template)
    for command in REGISTRY:
        assert {command.summary, command.group} <= shown, command.name
        assert not command.usage or command.usage in shown, command.name


# --- the compiled catalogues, as the bot reads them -------------------------------------------------


@pytest.mark.parametrize(("code", "forms"), [
    ("uk", ("1 день", "2 дні", "5 днів", "11 днів", "21 день", "22 дні")),
    ("ru", ("1 день", "2 дня", "5 дней", "11 дней", "21 день", "22 дня")),
    ("en", ("1 day", "2 days", "5 days", "11 days", "21 days", "22 days")),
])
def test_days_are_counted_by_each_languages_plural_rules(code: str, forms: tuple[str, ...]) -> None:
    with speaking_in(code):
        assert tuple(ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 2, 5, 11, 21, 22)) == forms


def test_the_bot_reads_the_po_files_it_ships() -> None:
    with speaking_in("uk"):
        assert _("Who's who") == "Хто є хто"
    with speaking_in("ru"):
        assert _("Who's who") == "Кто есть кто"
    assert isinstance(catalogue("uk"), gettext.GNUTranslations)
    assert type(catalogue(ENGLISH)) is gettext.NullTranslations  # English is the code's own


def test_a_fuzzy_translation_is_left_out_when_compiled(tmp_path: Path) -> None:
    po = tmp_path / "messages.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  'msgid "When"\nmsgstr "Коли"\n\n#, fuzzy\nmsgid "Where"\nmsgstr "Куди"\n', encoding="utf-8")
    translations = compiled(po, "uk")
    assert (translations.gettext("When"), translations.gettext("Where")) == ("Коли", "Where")


@pytest.mark.parametrize(("given", "code"), [
    ("uk", "uk"), ("uk-UA", "uk"), ("ru_RU", "ru"), ("RU", "ru"), ("en-GB", "en"), ("de", None), ("", None),
    (None, None), ("tr-TR", None),
])
def test_a_platforms_language_code_is_one_the_bot_speaks_or_none(given: str | None, code: str | None) -> None:
    assert supported(given) == code
