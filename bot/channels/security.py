"""Is a webhook request really from the platform? (Whether it was seen before: deliveries.py.)

Pure (no Rasa, no web framework): each check takes the secret, the raw body
or form and the headers' values, and answers True only for a valid signature.
Comparisons are constant-time.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Mapping, Optional

from slack_sdk.signature import Clock, SignatureVerifier
from twilio.request_validator import RequestValidator


def same_secret(expected: str, given: str) -> bool:
    """Constant-time comparison of UTF-8 bytes: compare_digest refuses str with
    non-ASCII characters (a TypeError, so a 500) that a forged header may carry."""
    return hmac.compare_digest(expected.encode("utf-8", "surrogateescape"), given.encode("utf-8", "surrogateescape"))


def slack_signature_valid(signing_secret: str, body: bytes, timestamp: Optional[str],
                          signature: Optional[str], now: Optional[float] = None) -> bool:
    """Slack's v0 signature (HMAC-SHA256 of "v0:<timestamp>:<body>", fresh within
    5 minutes), checked by slack_sdk's own SignatureVerifier. The guards before
    it are ours: no secret, a timestamp that is no number, or a header with
    non-ASCII characters (compare_digest raises on those: a 500) is a refusal."""
    if not signing_secret or not timestamp or not signature:
        return False
    if not (timestamp.isascii() and timestamp.strip().isdigit() and signature.isascii()):
        return False
    clock = Clock() if now is None else _At(now)
    return SignatureVerifier(signing_secret, clock).is_valid(body, timestamp.strip(), signature)


class _At(Clock):
    """slack_sdk's clock, stopped at a given time (for checking a request as of then)."""

    def __init__(self, at: float) -> None:
        self.at = at

    def now(self) -> float:
        return self.at


def slack_signature(signing_secret: str, body: bytes, timestamp: str) -> str:
    """The X-Slack-Signature value for a body (what Slack sends; tests sign with it,
    independently of the verifier above)."""
    digest = hmac.new(signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return "v0=" + digest.hexdigest()


def messenger_signature_valid(app_secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """Meta's signature of the body with the app secret: X-Hub-Signature-256
    (sha256=...) when sent, else X-Hub-Signature (sha1=...). Only these two
    algorithms are accepted, whatever the header names."""
    for header, algorithm in (("x-hub-signature-256", "sha256"), ("x-hub-signature", "sha1")):
        value = _header(headers, header)
        if value:
            expected = algorithm + "=" + hmac.new(app_secret.encode(), body, algorithm).hexdigest()
            return bool(app_secret) and same_secret(expected, value)
    return False


def messenger_signature(app_secret: str, body: bytes, algorithm: str = "sha1") -> str:
    return algorithm + "=" + hmac.new(app_secret.encode(), body, algorithm).hexdigest()


def telegram_secret_valid(secret_token: str, header_value: Optional[str]) -> bool:
    """Telegram sends the secret_token given to setWebhook in
    X-Telegram-Bot-Api-Secret-Token on every update."""
    return bool(secret_token) and bool(header_value) and same_secret(secret_token, header_value)


def twilio_signature_valid(auth_token: str, url: str, form: Mapping, signature: Optional[str]) -> bool:
    """Twilio's X-Twilio-Signature over the public webhook URL and the POST
    parameters (Twilio's own validator; it tries the URL with and without port)."""
    if not auth_token or not signature:
        return False
    return RequestValidator(auth_token).validate(url, form, signature)


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    return RequestValidator(auth_token).compute_signature(url, params)


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
