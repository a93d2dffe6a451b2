"""Run the test fakes of Telegram and Slack as a process, for the container smoke test and benches.

    python scripts/fake_platforms.py serve --env-file FILE
        Starts the fake Bot API and the fake Slack Web API on 127.0.0.1 (free ports), plus a
        small control server, and writes FILE: the variables that point the bot at the fakes
        (KEY=VALUE lines, as `podman run --env-file` reads them) and FAKES_CONTROL_URL. Runs
        until SIGTERM or SIGINT.

    python scripts/fake_platforms.py ask CONTROL_URL TEXT [--chat ID] [--timeout S]
        A Telegram reader sends TEXT; prints the bot's answer (exit 1 if none comes in time).

    python scripts/fake_platforms.py calls CONTROL_URL
        Prints, as JSON, how many calls each fake received, by method.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the fakes live in the repository's tests/

from aiohttp import web

from tests.fakes.slack_api import FakeSlack
from tests.fakes.telegram_api import FakeTelegram

READER_ID = 1001


def _control_app(telegram: FakeTelegram, slack: FakeSlack) -> web.Application:
    async def ask(request: web.Request) -> web.Response:
        body = await request.json()
        chat_id = int(body.get("chat_id", READER_ID))
        reader = telegram.users.get(chat_id) or telegram.user(chat_id, "Smoke")
        before = len(telegram.messages_in(chat_id))
        telegram.send_text(reader, str(body["text"]))
        try:
            within = float(body.get("timeout", 20))
            replies = await telegram.wait_for_messages(chat_id, before + 1, within=within)
        except AssertionError as exc:
            return web.json_response({"error": str(exc)}, status=504)
        return web.json_response({"replies": [m.text for m in replies[before:]]})

    async def calls(_: web.Request) -> web.Response:
        counts: dict[str, dict[str, int]] = {"telegram": {}, "slack": {}}
        for call in telegram.calls:
            counts["telegram"][call.method] = counts["telegram"].get(call.method, 0) + 1
        for slack_call in slack.calls:
            counts["slack"][slack_call.method] = counts["slack"].get(slack_call.method, 0) + 1
        return web.json_response(counts)

    app = web.Application()
    app.add_routes([web.post("/telegram/ask", ask), web.get("/calls", calls)])
    return app


async def serve(env_file: Path) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with FakeTelegram() as telegram, FakeSlack() as slack:
        runner = web.AppRunner(_control_app(telegram, slack), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        control = f"http://127.0.0.1:{runner.addresses[0][1]}"
        env = {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
               "SLACK_BOT_TOKEN": slack.bot_token, "SLACK_APP_TOKEN": slack.app_token,
               "SLACK_API_BASE_URL": slack.base_url, "FAKES_CONTROL_URL": control}
        partial = env_file.with_suffix(".partial")
        partial.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
        partial.replace(env_file)  # whoever waits for the file sees it whole
        try:
            await stop.wait()
        finally:
            await runner.cleanup()


def _request(url: str, body: dict[str, Any] | None = None, timeout: float = 30) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own loopback URL
            return json.load(response)
    except urllib.error.HTTPError as exc:
        return json.load(exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    serve_cmd = sub.add_parser("serve")
    serve_cmd.add_argument("--env-file", type=Path, required=True)
    ask_cmd = sub.add_parser("ask")
    ask_cmd.add_argument("control")
    ask_cmd.add_argument("text")
    ask_cmd.add_argument("--chat", type=int, default=READER_ID)
    ask_cmd.add_argument("--timeout", type=float, default=20)
    calls_cmd = sub.add_parser("calls")
    calls_cmd.add_argument("control")
    args = parser.parse_args(argv)
    if args.command == "serve":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.env_file))
        return 0
    if args.command == "calls":
        print(json.dumps(_request(f"{args.control}/calls")))
        return 0
    answer = _request(f"{args.control}/telegram/ask", {"text": args.text, "chat_id": args.chat,
                                                        "timeout": args.timeout}, timeout=args.timeout + 5)
    if "replies" not in answer:
        print(answer.get("error", answer), file=sys.stderr)
        return 1
    print("\n---\n".join(answer["replies"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
