import pytest
import yaml

from bot.channels.config import ChannelConfigError, load_spec, plan_channels, write_credentials

SPEC = {
    "always": {"bot.channels.rest.SafeRestInput": {}},
    "platforms": {
        "telegram": {
            "connector": "x.TelegramInput",
            "webhook": "/webhooks/telegram/webhook",
            "required": {"access_token": "TG_TOKEN", "verify": "TG_NAME"},
            "optional": {"webhook_url": "TG_URL"},
        }
    },
}


def test_a_platform_with_no_variables_is_off_and_says_how_to_turn_it_on():
    plan = plan_channels({}, SPEC)
    assert list(plan.credentials) == ["bot.channels.rest.SafeRestInput"]
    assert plan.status_lines == ["telegram: off (set TG_TOKEN, TG_NAME to turn it on)"]


def test_a_platform_with_all_required_variables_is_on_with_its_credentials():
    plan = plan_channels({"TG_TOKEN": "t", "TG_NAME": "bot", "TG_URL": "https://x"}, SPEC)
    assert plan.credentials["x.TelegramInput"] == {"access_token": "t", "verify": "bot", "webhook_url": "https://x"}
    assert plan.status_lines == ["telegram: on, webhook /webhooks/telegram/webhook"]


def test_a_half_configured_platform_is_an_error_naming_the_missing_variable():
    with pytest.raises(ChannelConfigError, match="TG_NAME") as error:
        plan_channels({"TG_TOKEN": "t", "TG_NAME": "  "}, SPEC)
    assert "TG_TOKEN" not in str(error.value)


def test_the_shipped_spec_opens_the_rest_channel_and_writes_yaml(tmp_path):
    plan = plan_channels({}, load_spec())
    path = write_credentials(plan, tmp_path / "var" / "credentials.yml")
    assert "bot.channels.rest.SafeRestInput" in yaml.safe_load(path.read_text())
    assert path.stat().st_mode & 0o077 == 0  # tokens and secrets: the owner's only


@pytest.mark.parametrize(
    "env, named",
    [({"WIDGET_ALLOWED_ORIGINS": "example.org/path"}, "example.org"), ({"TWILIO_SMS_MAX_CHARS": "ten"}, "TWILIO_SMS_MAX_CHARS")],
)
def test_a_value_a_channel_would_refuse_stops_the_start_with_its_reason(env, named):
    with pytest.raises(ChannelConfigError, match=named):
        plan_channels(env, SPEC)
