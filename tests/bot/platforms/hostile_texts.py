"""Hostile texts, generated from a seed: what readers (and attackers) might type to the bot.

Each text is a command or a plain question glued from pieces that break naive renderers: HTML
and Slack markup, entities half-escaped, mentions and broadcasts, control and invisible
characters, right-to-left overrides, other scripts, emoji sequences, form and JSON syntax, and
now and then something very long. The same seed gives the same texts, so a failure can be
replayed.
"""

from __future__ import annotations

import random

SEED = 20250602
STARTS = ["/who ", "/when", "/where ", "/source ", "/stakes ", "/timeline", "/summary ", "/countdown ",
          "/help ", "/start ", "/who@BriefingTestBot ", "who is ", "when are ", "what about ", "",
          "/timezone ", "/daily ", "/subscribe ", "/" + "x" * 40 + " ", "/WHO ", "/who\n"]
NAMES = ["lavrov", "Лавров", "Fidan", "medinsky", "Zelensky", "Istanbul", "Erdoğan", "סרגיי", "لاوروف"]
PIECES = [
    "<b>", "</b>", "<i>x</i>", '<a href="https://evil.example">click</a>', "<script>alert(1)</script>",
    "</blockquote>", "<pre>", "<code>", "<tg-spoiler>", "<span class=tg-spoiler>", "<u>", "<s>",
    "&amp;", "&lt;", "&gt;", "&#x3C;", "&#60;", "&nbsp;", "&", "<", ">", "<>", "< b >",
    "<@U0READER>", "<!here>", "<!channel>", "<!everyone>", "<#C0GENERAL|general>", "<https://evil|safe>",
    "<!subteam^S123|@team>", "@channel", "@here", "@everyone", "@BriefingTestBot",
    "*bold*", "_it_", "~strike~", "`code`", "```block```", "> quote", "||spoiler||", "[link](http://x)",
    "\n", "\r\n", "\t", "\x00", "\x07", "\x1b[31m", "\u200b", "\ufeff", "\u202e", "\u202d", "\u2066",
    "\u0301\u0301\u0301", "e\u0301", "😀", "🇺🇦", "👩\u200d👩\u200d👧", "🏳️\u200d🌈", "𝕷𝖆𝖛𝖗𝖔𝖛",
    "payload", "payload=%7B", "%", "%00", "+", "=", "&text=", "?", "#", '"', "'", "\\", "\\u0000",
    '{"type": "event_callback"', "]}", "null", "NaN", "1e999", "../../etc/passwd", "%s%s%n",
    "${jndi:ldap://x}", "'; DROP TABLE subscriptions; --", "Europe/Kyiv", "08:00", "3d", "off",
]


def hostile_text(rng: random.Random) -> str:
    parts = [rng.choice(STARTS)]
    for _ in range(rng.randint(0, 12)):
        parts.append(rng.choice(NAMES) if rng.random() < 0.2 else rng.choice(PIECES))
        if rng.random() < 0.3:
            parts.append(" ")
    if rng.random() < 0.02:
        parts.append(rng.choice(PIECES + NAMES) * rng.randint(200, 1500))
    text = "".join(parts)
    return text if text.strip() else "/who " + text  # a blank message is no question


def hostile_texts(count: int, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    return [hostile_text(rng) for _ in range(count)]
