"""Answers to plain questions, from an index of the deck's facts and the article's sentences.

words (concepts of readers' and the article's words) -> index (per briefing, BM25 and cover) ->
questions (what is asked) -> replies (the fact, its quote and the card; or "the article doesn't say").
"""
