"""The tables: chat settings, subscriptions, the chats that follow every story, the delivery
ledger, unanswered questions, the generation of the decks every replica should serve, the inbound
deliveries taken, and one write probe per replica (readiness). Nothing else is persisted.

The schedule itself is derived (bot/scheduling/planning.py); these rows are all it is derived from, plus
the ledger that records what was claimed, sent, skipped or failed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so later migrations (and SQLite's batch mode) can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out, stored as naive UTC on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; every moment must name its zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        return moment.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ChatSettingsRow(Base):
    """What a chat chose; keyed by the chat, not the topic, so every topic shows the same zone."""

    __tablename__ = "chat_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    timezone: Mapped[str | None] = mapped_column(String(64))
    story: Mapped[str | None] = mapped_column(String(40))  # the deck the chat chose; NULL: the default
    language: Mapped[str | None] = mapped_column(String(8))  # chosen with /language; NULL: each reader's
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("platform", "chat_id", name="uq_chat_settings_chat"),
                      Index("ix_chat_settings_updated_at", "updated_at"))


class SubscriptionRow(Base):
    """One chat (or topic) following one deck: countdown reminders and/or a daily post."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(64), default="")  # "" when none: unique keys need a value
    chat_kind: Mapped[str] = mapped_column(String(16), default="private")
    deck: Mapped[str] = mapped_column(String(40))
    reminders: Mapped[bool] = mapped_column(Boolean, default=False)
    offsets: Mapped[str | None] = mapped_column(String(200))  # "7d,3h,start"; NULL: the defaults
    remind_at: Mapped[str] = mapped_column(String(5), default="09:00")  # local time of day reminders
    daily_at: Mapped[str | None] = mapped_column(String(5))  # local time of the daily post
    language: Mapped[str | None] = mapped_column(String(8))  # the language it was made in
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    stopped_reason: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime())  # posts due before this are not planned
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "thread_id", "deck", name="uq_subscriptions_chat_deck"),
        Index("ix_subscriptions_active", "active"),
        Index("ix_subscriptions_updated_at", "updated_at"),  # replicas look for each other's changes
    )


class FollowRow(Base):
    """A chat (or topic) that follows every story, also those added later, with the preferences each
    new story's subscription gets. Its subscriptions are ordinary rows; this only adds new ones."""

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(64), default="")
    chat_kind: Mapped[str] = mapped_column(String(16), default="private")
    reminders: Mapped[bool] = mapped_column(Boolean, default=True)
    offsets: Mapped[str | None] = mapped_column(String(200))
    remind_at: Mapped[str] = mapped_column(String(5), default="09:00")
    daily_at: Mapped[str | None] = mapped_column(String(5))
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("platform", "chat_id", "thread_id", name="uq_follows_chat"),)


class DeliveryRow(Base):
    """The ledger: one row per post per subscription, claimed before it is sent.

    The unique (subscription, post_key) constraint is what makes a second send impossible:
    a claim is an INSERT that only one process can win, or a conditional UPDATE of a row that
    was handed back as pending.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    post_key: Mapped[str] = mapped_column(String(120))  # "event:<id>:<offset>", "daily:<local date>"
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))  # claimed, sent, pending, failed, skipped
    owner: Mapped[str | None] = mapped_column(String(120))  # the replica holding the claim
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_to: Mapped[str | None] = mapped_column(String(140))  # the chat key it went to
    message_ids: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("subscription_id", "post_key", name="uq_deliveries_post"),
        Index("ix_deliveries_status", "status"),
    )


class UnansweredRow(Base):
    """A question the bot could not answer, kept for the editors: what the deck lacks.

    Only the reader's words (normalised), the platform and the time: never who asked, or where.
    """

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deck: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_unanswered_questions_asked_at", "asked_at"),)


class DecksGenerationRow(Base):
    """One row: how many times `briefing-bot reload` asked every replica to read its decks again.

    Each replica polls it and reloads when it grows, so replicas converge on the same decks.
    """

    __tablename__ = "decks_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    generation: Mapped[int] = mapped_column(Integer)
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class InboundRow(Base):
    """A platform's delivery (a Slack event or command, a Telegram update) one replica took to answer.

    Its key is the primary key: of the replicas a platform (or a replay) posts the same delivery
    to, only one can insert it. Rows outlive the time a redelivery can arrive, then are pruned.
    """

    __tablename__ = "inbound_deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "slack:event:Ev123", …
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_inbound_deliveries_expires_at", "expires_at"),)


class WriteProbeRow(Base):
    """When a replica last wrote its probe row: /readyz rewrites it to see that writes succeed."""

    __tablename__ = "write_probes"

    replica: Mapped[str] = mapped_column(String(120), primary_key=True)
    written_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SenderLeaseRow(Base):
    """Which replica sends a platform's scheduled posts, until when: one row per platform.

    The holder renews `expires_at` every few seconds; when it stops (dead, cut off), another
    replica takes the row over once it has expired. The limits of a bot token are the platform's,
    not a process's: one sender keeps a fan-out inside them.
    """

    __tablename__ = "sender_leases"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    acquired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
