"""One live bot with all four messaging platforms turned on by environment
variables alone, talking to a local fake of the platforms' APIs."""
from __future__ import annotations

import pytest

from bot.servers import running_bot
from bot.settings import isolated_settings, load_settings
from bot.training import prepare
from tests.channels.fake_platforms import FakePlatforms
from tests.channels.runners import SECRETS

RASA_PORT, ACTION_PORT = 5705, 5755


@pytest.fixture(scope="session")
def fake_platforms():
    fake = FakePlatforms().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def channels_bot(fake_platforms, tmp_path_factory):
    prepare(load_settings())
    settings = isolated_settings(tmp_path_factory.mktemp("channels_bot"), RASA_PORT, ACTION_PORT)
    with running_bot(settings, extra_env={**SECRETS, **fake_platforms.api_urls()}):
        yield settings.rasa_url
