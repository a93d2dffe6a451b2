"""The smallest limits among the platforms, asserted on any Reply."""

from __future__ import annotations

from handlers.reply import (
    ACTION_COMMAND_MAX_BYTES,
    ACTION_LABEL_MAX,
    ACTIONS_MAX,
    FIELD_MAX,
    FIELDS_MAX,
    MESSAGE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Reply,
)


def assert_fits(reply: Reply) -> None:
    assert 0 < len(reply.title) <= TITLE_MAX, reply.title
    assert len(reply.plain_text()) <= MESSAGE_MAX
    for section in reply.sections:
        assert len(section.text) <= TEXT_MAX
        assert len(section.fields) <= FIELDS_MAX
        for field in section.fields:
            assert len(field.label) + len(field.value) + 4 <= FIELD_MAX
        assert sum(len(b) + 4 for b in section.bullets) <= TEXT_MAX
    assert len(reply.actions) <= ACTIONS_MAX
    for action in reply.actions:
        assert 0 < len(action.label) <= ACTION_LABEL_MAX
        assert 0 < len(action.command.encode()) <= ACTION_COMMAND_MAX_BYTES
