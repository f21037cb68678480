"""The compiled reply check accepts and rejects exactly what Rasa's own does."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

import bot.rasa_speedups  # noqa: F401

VALID = {"events": [{"event": "slot", "name": "pain_type", "value": "sharp"}], "responses": [{"text": "hi"}]}
INVALID = {"events": [{"event": "slot", "name": 5}], "responses": "not a list"}


@pytest.mark.parametrize("reply", [VALID, {"events": [], "responses": []}])
def test_valid_replies_pass(reply):
    assert RemoteAction("x", None)._validate_action_result(reply) is True


def test_invalid_replies_raise_like_rasas_own_check():
    with pytest.raises(ValidationError):
        validate(INVALID, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction("x", None)._validate_action_result(INVALID)
