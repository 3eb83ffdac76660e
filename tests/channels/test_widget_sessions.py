"""The widget's tokens: an absolute lifetime from the conversation's start, kept through renewals.

The clock is the one thing injected: a month is not waited for. The end-to-end suites show the
same against the running server (tests/e2e/test_widget_channel.py).
"""

from __future__ import annotations

import jwt
import pytest

from bot.channels.widget.sessions import (
    ALGORITHM,
    DAY_SECONDS,
    ISSUER,
    LIFETIME_ENV,
    TOKEN_LIFETIME_SECONDS,
    Sessions,
    token_lifetime,
)

SECRET = "test-secret-for-the-widget-sessions"
START = 1_790_000_000.0


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_renewing_every_day_does_not_outlive_the_conversations_lifetime() -> None:
    clock = Clock()
    sessions = Sessions(SECRET, lifetime=7 * DAY_SECONDS, clock=clock)
    first = sessions.new()
    token = first.token
    for _ in range(6):  # resumed daily: each time a renewed token
        clock.now += DAY_SECONDS
        session = sessions.start(token)
        assert session.resumed and session.conversation_id == first.conversation_id
        token = session.token
    clock.now = START + 7 * DAY_SECONDS  # the lifetime is up, counted from the start
    again = sessions.start(token)
    assert again.resumed is False and again.conversation_id != first.conversation_id


def test_a_renewed_token_keeps_the_start_and_the_end() -> None:
    clock = Clock()
    sessions = Sessions(SECRET, lifetime=30 * DAY_SECONDS, clock=clock)
    first = sessions.new()
    clock.now += 10 * DAY_SECONDS
    renewed = sessions.start(first.token)
    claims = [jwt.decode(t, SECRET, [ALGORITHM], issuer=ISSUER, options={"verify_exp": False})
              for t in (first.token, renewed.token)]  # fmt: skip
    assert claims[0]["started"] == claims[1]["started"] == int(START)
    assert claims[0]["exp"] == claims[1]["exp"] == int(START) + 30 * DAY_SECONDS
    assert claims[1]["iat"] == int(START) + 10 * DAY_SECONDS


def test_a_lower_setting_ends_older_tokens_early() -> None:
    clock = Clock()
    token = Sessions(SECRET, lifetime=30 * DAY_SECONDS, clock=clock).new().token
    clock.now += 2 * DAY_SECONDS
    assert Sessions(SECRET, lifetime=3 * DAY_SECONDS, clock=clock).start(token).resumed
    assert not Sessions(SECRET, lifetime=1 * DAY_SECONDS, clock=clock).start(token).resumed


def test_tokens_without_a_start_or_with_a_forged_one_resume_nothing() -> None:
    clock = Clock()
    sessions = Sessions(SECRET, clock=clock)
    base = {"sub": "abc", "iss": ISSUER, "iat": int(START), "exp": int(START) + 3600}
    # A token of the old kind: renewed for ever, it never said when its conversation began.
    assert not sessions.start(jwt.encode(base, SECRET, ALGORITHM)).resumed
    for started in ("0", None, True, 1.5e9, [1]):
        token = jwt.encode({**base, "started": started}, SECRET, ALGORITHM)
        assert not sessions.start(token).resumed, started
    # A start rewritten into the future needs the secret: without it the signature fails.
    forged = jwt.encode(
        {**base, "started": int(START) + 10**6}, "another-secret-of-at-least-32-bytes!", ALGORITHM
    )
    assert not sessions.start(forged).resumed
    fine = jwt.encode({**base, "started": int(START) - 60}, SECRET, ALGORITHM)
    assert sessions.start(fine).resumed


def test_the_lifetime_setting() -> None:
    assert token_lifetime({}) == TOKEN_LIFETIME_SECONDS == 30 * DAY_SECONDS
    assert token_lifetime({LIFETIME_ENV: " 7 "}) == 7 * DAY_SECONDS
    assert token_lifetime({LIFETIME_ENV: "0.5"}) == DAY_SECONDS / 2
    for wrong in ("0", "-1", "366", "nan", "inf", "a week", "1e400"):
        with pytest.raises(ValueError, match=LIFETIME_ENV):
            token_lifetime({LIFETIME_ENV: wrong})
