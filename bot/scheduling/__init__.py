"""Scheduled posts: what is due when (planning), pacing, delivery through the ledger, the scheduler, chats."""
