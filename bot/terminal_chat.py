"""`make chat`: a conversation in the terminal, over the same REST channel as everyone.

Buttons are shown as a numbered list; typing the number presses the button.
If no bot answers at the URL, one is started for the length of the chat.
"""
from __future__ import annotations

import uuid
from contextlib import nullcontext

from bot.rest_client import RestClient, Turn
from bot.servers import is_ready, running_bot
from bot.settings import Settings
from bot.training import prepare

QUIT = {"/quit", "/exit", "quit", "exit"}


def chat(settings: Settings, url: str | None = None) -> int:
    own_bot = url is None and not is_ready(settings)
    if own_bot:
        prepare(settings)
        print("Starting the bot for this chat (about a minute)...", flush=True)
    with running_bot(settings) if own_bot else nullcontext():
        return _converse(RestClient(url or settings.rasa_url))


def _converse(client: RestClient) -> int:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print("Tell the bot what hurts, or ask a question. Type /quit to leave.\n")
    buttons: list[dict] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.lower() in QUIT:
            return 0
        turn = client.say(sender, pressed(text, buttons))
        buttons = show(turn)


def pressed(text: str, buttons: list[dict]) -> str:
    """A number picks the button with that number; anything else is sent as typed."""
    if text.isdigit() and 1 <= int(text) <= len(buttons):
        return buttons[int(text) - 1]["payload"]
    return text


def show(turn: Turn) -> list[dict]:
    if turn.status != 200:
        print(f"bot> (error {turn.status}) {turn.messages}")
        return []
    buttons: list[dict] = []
    for message in turn.messages:
        if message.get("text"):
            print("bot> " + message["text"].replace("\n", "\n     "))
        for button in message.get("buttons") or []:
            buttons.append(button)
            print(f"     {len(buttons)}. {button['title']}")
    print()
    return buttons
