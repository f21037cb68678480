"""The shipped bot/channels.yml turns each platform on from its variables alone,
and each connector starts from the credentials built for it."""
from __future__ import annotations

import pytest
import yaml

from bot.channels.config import ChannelConfigError, load_spec, plan_channels, write_credentials
from tests.channels.runners import SECRETS

CONNECTORS = {
    "telegram": "bot.channels.telegram.TelegramChannel",
    "slack": "bot.channels.slack.SlackChannel",
    "messenger": "bot.channels.messenger.MessengerChannel",
    "twilio": "bot.channels.twilio.TwilioChannel",
}
REQUIRED = {
    "telegram": ["TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN"],
    "slack": ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"],
    "messenger": ["MESSENGER_PAGE_ACCESS_TOKEN", "MESSENGER_APP_SECRET", "MESSENGER_VERIFY_TOKEN"],
    "twilio": ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER"],
}


def test_without_variables_every_platform_is_off_with_one_line_each():
    plan = plan_channels({})
    assert not set(CONNECTORS.values()) & set(plan.credentials)
    for name, variables in REQUIRED.items():
        assert f"{name}: off (set {', '.join(variables)} to turn it on)" in plan.status_lines


@pytest.mark.parametrize("name", list(REQUIRED))
def test_a_platform_with_its_variables_is_on(name):
    plan = plan_channels({var: SECRETS[var] for var in REQUIRED[name]})
    assert CONNECTORS[name] in plan.credentials
    assert any(line.startswith(f"{name}: on, webhook /webhooks/") for line in plan.status_lines)


@pytest.mark.parametrize("name", list(REQUIRED))
def test_a_half_configured_platform_names_what_is_missing(name):
    first, *missing = REQUIRED[name]
    with pytest.raises(ChannelConfigError) as error:
        plan_channels({first: SECRETS[first]})
    assert all(var in str(error.value) for var in missing) and first not in str(error.value)


def test_each_connector_starts_from_the_built_credentials(tmp_path):
    from rasa.core.channels.channel import InputChannel
    from rasa.shared.utils.common import class_from_module_path

    env = {**SECRETS, "SLACK_API_URL": "http://127.0.0.1:1/slack/api", "TWILIO_WEBHOOK_URL": "https://bot.example.org/t"}
    path = write_credentials(plan_channels(env), tmp_path / "credentials.yml")
    credentials = yaml.safe_load(path.read_text())
    for name, connector in CONNECTORS.items():
        channel = class_from_module_path(connector).from_credentials(credentials[connector])
        assert isinstance(channel, InputChannel)
    slack = class_from_module_path(CONNECTORS["slack"]).from_credentials(credentials[CONNECTORS["slack"]])
    assert slack.api_url == "http://127.0.0.1:1/slack/api"
    twilio = class_from_module_path(CONNECTORS["twilio"]).from_credentials(credentials[CONNECTORS["twilio"]])
    assert twilio.sms_max_chars == 320 and twilio.webhook_url == "https://bot.example.org/t"


def test_a_bad_sms_limit_is_a_clear_error():
    from bot.channels.config import sms_limit

    assert sms_limit(None) is None and sms_limit("320") == 320
    for bad in ("ten", "20"):
        with pytest.raises(ValueError, match="TWILIO_SMS_MAX_CHARS"):
            sms_limit(bad)


def test_every_platform_connector_is_documented_with_its_variables():
    from bot.settings import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    spec = load_spec()
    for name, entry in spec["platforms"].items():
        assert entry["webhook"] in readme
        for variable in [*entry["required"].values(), *(entry.get("optional") or {}).values()]:
            assert f"`{variable}`" in readme, f"{variable} is not in the README's configuration table"
