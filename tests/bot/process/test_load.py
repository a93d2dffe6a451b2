"""A burst of signed Slack commands at a real bot: every reader is answered or told to ask again.

The small, untimed version of bench/slack_load.py (which runs 250 a second for 20 s and prints
the figures): a bot allowed two answers at a time, a burst far beyond that, and no reader left
with an apology or with nothing.
"""

from __future__ import annotations

from bench.slack_load import print_report, run_load


async def test_a_burst_beyond_the_bot_s_turns_is_answered_or_told_to_retry_never_apologised() -> None:
    report = await run_load(1000, 0.4, settings={"BRIEFING_MAX_IN_FLIGHT": "2", "BRIEFING_BUSY_AFTER": "0.05"},
                            warmup=10)
    print_report(report, 1000, 0.4)
    assert report.readers == 400
    assert report.outcomes["answered"] + report.outcomes["busy"] == 400
    assert report.outcomes["apology"] == report.outcomes["nothing"] == report.outcomes["unacked"] == 0
    assert report.outcomes["answered"] > 0
