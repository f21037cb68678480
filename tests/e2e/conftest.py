"""Live servers for end-to-end tests, started the way `make run` starts them.

Each test session trains if needed (as `make run` does) and runs the bot on
its own ports with its own conversation database, so it never disturbs a
bot a developer has running.
"""
from __future__ import annotations

import uuid

import pytest

from bot.rest_client import RestClient, Turn
from bot.servers import running_bot
from bot.settings import isolated_settings, load_settings
from bot.training import prepare


class Conversation:
    def __init__(self, client: RestClient):
        self.client = client
        self.sender = f"e2e-{uuid.uuid4().hex[:12]}"

    def say(self, message: str) -> Turn:
        turn = self.client.say(self.sender, message)
        assert turn.status == 200, turn.messages
        return turn


@pytest.fixture
def make_settings(tmp_path):
    """Settings for a bot of the test's own, on the given ports."""
    return lambda rasa_port, action_port: isolated_settings(tmp_path, rasa_port, action_port)


@pytest.fixture(scope="session")
def trained():
    prepare(load_settings())


@pytest.fixture(scope="session")
def live_bot(trained, tmp_path_factory):
    settings = isolated_settings(tmp_path_factory.mktemp("bot"), 5105, 5155)
    with running_bot(settings) as processes:
        yield settings, processes


@pytest.fixture
def client(live_bot) -> RestClient:
    settings, _ = live_bot
    return RestClient(settings.rasa_url)


@pytest.fixture
def conversation(client) -> Conversation:
    return Conversation(client)
