"""A restart loses no conversation; a dead action server still gets a safe reply."""
from __future__ import annotations

import uuid

from bot.rest_client import RestClient
from bot.servers import running_bot


def test_restart_keeps_the_conversation_where_it_was(trained, make_settings):
    settings = make_settings(5205, 5255)
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    client = RestClient(settings.rasa_url)
    with running_bot(settings):
        first = client.say(sender, "my hamstrings ache since yesterday")
        asked_before = first.custom["ask"]
        second = client.say(sender, "dull ache" if asked_before == "pain_type" else "not sure")
        asked_next = second.custom["ask"]
        assert asked_next != asked_before
    with running_bot(settings):
        turn = client.say(sender, "not sure")
        assert turn.custom.get("ask") not in (asked_before, asked_next)
        assert "I'm sorry your legs hurt" not in turn.text  # not a fresh start


def test_action_server_down_still_gives_emergency_advice(trained, make_settings):
    settings = make_settings(5305, 5355)
    client = RestClient(settings.rasa_url)
    with running_bot(settings) as (action_server, rasa_server):
        action_server.terminate()
        action_server.wait(timeout=30)
        turn = client.say("down", "my calves ache after my run")
        assert turn.status == 200
        assert "999" in turn.text and "emergency" in turn.text.lower()
