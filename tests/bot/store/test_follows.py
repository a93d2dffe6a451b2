"""The chats that follow every story: a new story subscribes each once, and the choice follows the chat."""

from __future__ import annotations

import datetime as dt

from bot.store import Store
from handlers.context import ChatRef, Preferences

NOW = dt.datetime(2026, 11, 14, 12, 0, tzinfo=dt.UTC)
GROUP = ChatRef("telegram", "-4001", kind="group")
WANTED = Preferences(True, ("3d", "1h"), dt.time(8, 0))


async def test_a_new_story_subscribes_each_following_chat_once(store: Store) -> None:
    await store.follows.follow(GROUP, WANTED, NOW, "uk")
    assert await store.follows.subscribe_to("new-story", NOW) == [GROUP]
    assert await store.follows.subscribe_to("new-story", NOW) == []  # another replica, the same reload
    sub = await store.subscription(GROUP, "new-story")
    assert sub is not None and sub.active and sub.wanted == WANTED and sub.language == "uk"


async def test_a_story_the_chat_left_is_not_subscribed_again(store: Store) -> None:
    await store.put_subscription(GROUP, "left-story", Preferences(), NOW, reschedule=True)  # unsubscribed
    await store.follows.follow(GROUP, WANTED, NOW, None)
    assert await store.follows.subscribe_to("left-story", NOW) == []
    left = await store.subscription(GROUP, "left-story")
    assert left is not None and not left.active


async def test_the_choice_moves_with_the_chat_and_goes_with_it(store: Store) -> None:
    await store.follows.follow(GROUP, WANTED, NOW, None)
    await store.move_chat("telegram", "-4001", "-1004001", NOW)
    assert await store.follows.of(GROUP) is None
    moved = ChatRef("telegram", "-1004001", kind="group")
    assert await store.follows.of(moved) is not None
    await store.deactivate_chat("telegram", "-1004001", "Forbidden: bot was kicked", NOW)
    assert await store.follows.all() == []
    assert not await store.follows.unfollow(moved)
