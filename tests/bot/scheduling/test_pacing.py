"""Pacing maths on a clock that only moves when the pacer sleeps (no real waiting)."""

from __future__ import annotations

import pytest

from bot.scheduling.pacing import DEFAULT_RULES, HEADROOM, Limit, Pacer, Rules, Window, overall
from handlers.context import ChatRef


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def pacer(rules: dict[str, Rules] | None = None) -> tuple[Pacer, FakeTime]:
    t = FakeTime()
    return Pacer(rules if rules is not None else DEFAULT_RULES, clock=t.clock, sleep=t.sleep), t


SPACING = 1 / (30 * HEADROOM)  # Telegram's 30 a second, 3% under


def chat(i: int, kind: str = "private", platform: str = "telegram") -> ChatRef:
    return ChatRef(platform, str(i), kind=kind)  # type: ignore[arg-type]


async def times_of(p: Pacer, t: FakeTime, chats: list[ChatRef]) -> list[float]:
    found = []
    for c in chats:
        await p.wait(c)
        found.append(round(t.now, 6))
    return found


async def test_telegram_overall_30_per_second_evenly_spaced_with_headroom() -> None:
    p, t = pacer()
    times = await times_of(p, t, [chat(i) for i in range(61)])
    assert times == [round(i * SPACING, 6) for i in range(61)]
    assert all(sum(1 for x in times if a <= x < a + 1.0 - 1e-6) <= 30 for a in times)


async def test_a_burst_limit_allows_a_burst_then_waits() -> None:
    p, t = pacer({"x": Rules(Limit(30, 1.0))})
    times = await times_of(p, t, [chat(i, platform="x") for i in range(61)])
    assert times[:30] == [0.0] * 30 and times[30:60] == [1.0] * 30 and times[60] == 2.0


async def test_telegram_private_chat_once_a_second_and_group_20_a_minute() -> None:
    p, t = pacer()
    assert await times_of(p, t, [chat(1)] * 3) == [0.0, 1.0, 2.0]
    p, t = pacer()
    group = await times_of(p, t, [chat(-5, "group")] * 21)
    assert group[:20] == [round(i * SPACING, 6) for i in range(20)] and group[20] == 60.0


async def test_slack_once_a_second_per_channel_only() -> None:
    p, t = pacer()
    channels = [chat(i, "channel", "slack") for i in (1, 2, 3)]
    assert await times_of(p, t, channels) == [0.0, 0.0, 0.0]
    assert await times_of(p, t, channels[:1] * 2) == [1.0, 2.0]


async def test_a_429_pauses_the_whole_platform() -> None:
    p, t = pacer()
    p.pause("telegram", 5)
    assert await times_of(p, t, [chat(1), chat(2)]) == [5.0, round(5 + SPACING, 6)]
    assert await times_of(p, t, [chat(1, platform="console")]) == [round(5 + SPACING, 6)]  # no wait elsewhere


def test_reservations_keep_every_window_within_the_limit() -> None:
    """Whatever moment each waiter asks at, reservations come out ordered and never crowd a window."""
    window = Window(Limit(10, 1.0))
    reserved = [window.reserve(now) for now in [0.0] * 15 + [0.5] * 10 + [0.2] * 10 + [7.0]]
    assert reserved == sorted(reserved)
    assert all(sum(1 for r in reserved if a <= r < a + 1.0) <= 10 for a in reserved)
    assert reserved[-2:] == [3.0, 7.0]


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError, match="positive"):
        Limit(0, 1.0)


async def test_idle_chats_are_forgotten() -> None:
    p, t = pacer()
    for i in range(2000):
        await p.wait(chat(i))
        t.now += 1.0
    assert len(p._chats) < 1000


async def test_a_little_lateness_keeps_the_rate_a_stall_is_not_made_up() -> None:
    """A waiter that wakes 1 ms after its slot keeps the slot (the rate holds); after a long
    stall the gate starts again from the stall's end instead of releasing the missed slots."""
    t = FakeTime()

    async def late_sleep(seconds: float) -> None:
        t.now += seconds + 0.001  # every wake-up a little late, as on a busy loop

    p = Pacer({"x": Rules(Limit.spaced(100))}, clock=t.clock, sleep=late_sleep)
    times = await times_of(p, t, [chat(i, platform="x") for i in range(101)])
    assert times[-1] == pytest.approx(1.001, abs=1e-6)  # 100 slots of 10 ms, not 100 x 11 ms
    assert all(sum(1 for x in times if a <= x < a + 1.0 - 1e-6) <= 101 for a in times)

    t.now += 0.5  # the loop stalled for half a second
    stalled = t.now
    after = await times_of(p, t, [chat(i, platform="x") for i in range(3)])
    assert after[0] == pytest.approx(stalled, abs=1e-6)
    assert after[1] - after[0] >= 0.01 - 1e-9 and after[2] - after[1] >= 0.01 - 1e-9


async def test_the_headroom_lets_a_late_post_keep_its_slot_and_no_second_holds_more_than_allowed() -> None:
    """At 100 a second (spaced 3% under), wake-ups up to 15 ms late keep their slots: the rate holds,
    and no window of a second sees more than 100."""
    t = FakeTime()
    lateness = iter([0.012, 0.0, 0.0, 0.015, 0.0] * 100)

    async def late_sleep(seconds: float) -> None:
        t.now += seconds + next(lateness)

    p = Pacer({"x": Rules(overall(100))}, clock=t.clock, sleep=late_sleep)
    times = await times_of(p, t, [chat(i, platform="x") for i in range(300)])
    assert times[-1] < 299 / 97 + 0.016  # the schedule of 97 a second, met
    assert all(sum(1 for x in times if a <= x < a + 1.0 - 1e-9) <= 100 for a in times)
