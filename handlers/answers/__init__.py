"""Answers to plain questions, from an index of the deck's facts and the article's sentences.

words (concepts of readers' and the article's words) -> clauses (who does what in a sentence:
doers, objects, speakers, reasons, conditions, places and times) -> index (per briefing, BM25 and
cover) -> questions (what is asked: kind, deed, whom, about what) -> statements (what someone
said) and replies (the fact, its quote and the card; or "the article doesn't say").
"""
