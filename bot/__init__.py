"""The running process: adapters (console, Telegram, Slack), scheduling, storage, the CLI."""
