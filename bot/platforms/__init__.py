"""The platforms readers use: the adapter contract, the service they all call, console, Telegram, Slack."""
