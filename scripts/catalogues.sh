#!/bin/sh
# The readers' messages: extract them from the code into handlers/locale/messages.pot, then merge
# that into each language's catalogue, handlers/locale/<code>/LC_MESSAGES/messages.po. New or
# changed messages arrive untranslated (never guessed: no fuzzy matching); translate them in the
# .po files. The bot compiles the catalogues when it starts; tests/handlers/test_catalogues.py
# fails while a message is missing from the .pot or untranslated in a language.
#
#   scripts/catalogues.sh            extract, and update uk and ru
#   scripts/catalogues.sh init xx    start a catalogue for language xx (then add xx to
#                                    handlers/i18n.py LANGUAGES)
set -eu
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-pybabel}"
POT=handlers/locale/messages.pot

"$PYBABEL" extract --mapping-file=babel.cfg --sort-output --add-location=file --no-wrap \
    --add-comments=TRANSLATORS: --project=briefing-bot --copyright-holder="briefing-bot" \
    --msgid-bugs-address="" --output-file="$POT" handlers bot

if [ "${1:-}" = init ]; then
    "$PYBABEL" init --input-file="$POT" --output-dir=handlers/locale --locale="$2" --no-wrap
else
    "$PYBABEL" update --input-file="$POT" --output-dir=handlers/locale --no-fuzzy-matching \
        --ignore-obsolete --no-wrap
fi
