"""Signature checks (pure); duplicate suppression is in test_channel_deliveries.py."""
from __future__ import annotations

import time

from bot.channels.security import (
    messenger_signature, messenger_signature_valid, slack_signature, slack_signature_valid,
    telegram_secret_valid, twilio_signature, twilio_signature_valid,
)

BODY = b'{"event": {"text": "my calf hurts"}}'


def test_slack_accepts_only_a_fresh_signature_with_the_signing_secret():
    now = time.time()
    stamp = str(int(now))
    good = slack_signature("secret", BODY, stamp)
    assert slack_signature_valid("secret", BODY, stamp, good, now=now)
    assert not slack_signature_valid("other", BODY, stamp, good, now=now)
    assert not slack_signature_valid("secret", BODY + b" ", stamp, good, now=now)
    assert not slack_signature_valid("secret", BODY, stamp, good, now=now + 301)  # a replay
    assert not slack_signature_valid("secret", BODY, None, good, now=now)
    assert not slack_signature_valid("secret", BODY, "yesterday", good, now=now)
    assert not slack_signature_valid("", BODY, stamp, slack_signature("", BODY, stamp), now=now)


def test_messenger_accepts_sha1_or_sha256_signatures_of_the_body():
    assert messenger_signature_valid("app", BODY, {"X-Hub-Signature": messenger_signature("app", BODY)})
    assert messenger_signature_valid("app", BODY, {"X-Hub-Signature-256": messenger_signature("app", BODY, "sha256")})
    assert not messenger_signature_valid("app", BODY, {"X-Hub-Signature": messenger_signature("other", BODY)})
    assert not messenger_signature_valid("app", BODY, {})
    # The algorithm is the header's, never the sender's choice.
    import hashlib
    import hmac
    md5 = "md5=" + hmac.new(b"app", BODY, hashlib.md5).hexdigest()
    assert not messenger_signature_valid("app", BODY, {"X-Hub-Signature": md5})
    # When both are sent, the stronger one decides.
    both = {"X-Hub-Signature-256": "sha256=forged", "X-Hub-Signature": messenger_signature("app", BODY)}
    assert not messenger_signature_valid("app", BODY, both)


def test_telegram_needs_the_exact_secret_token():
    assert telegram_secret_valid("s3cret", "s3cret")
    assert not telegram_secret_valid("s3cret", "s3cre")
    assert not telegram_secret_valid("s3cret", None)
    assert not telegram_secret_valid("", "")


def test_a_forged_header_with_odd_characters_is_refused_not_a_crash():
    stamp = str(int(time.time()))
    assert not telegram_secret_valid("s3cret", "s3crét")
    assert not slack_signature_valid("secret", BODY, stamp, "v0=ünïcode")
    assert not messenger_signature_valid("app", BODY, {"X-Hub-Signature": "sha1=\u2603"})


def test_twilio_signs_the_public_url_and_every_parameter():
    url = "https://bot.example.org/webhooks/twilio/webhook"
    form = {"From": "+447700900123", "Body": "my calf hurts", "MessageSid": "SM1"}
    signature = twilio_signature("token", url, form)
    assert twilio_signature_valid("token", url, form, signature)
    assert not twilio_signature_valid("token", url, {**form, "Body": "changed"}, signature)
    assert not twilio_signature_valid("token", "https://other.example/hook", form, signature)
    assert not twilio_signature_valid("other", url, form, signature)
    assert not twilio_signature_valid("token", url, form, None)
