"""The Teams channel's request checks and key cache, in process against the fake Bot Framework's
real HTTP endpoints (the end-to-end suite, tests/e2e/test_teams.py, checks them through Rasa)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.channels.teams.auth import AuthError, OpenIdKeys, authenticate
from bot.channels.teams.channel import (
    Refused,
    channel_locale,
    check_shape,
    check_tenant,
    message_metadata,
    sender_id,
    split_text,
    user_text,
)
from bot.channels.teams.settings import TeamsSettings, status_line
from tests.fake_botframework import APP_ID, FakeBotFramework, new_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def botframework() -> Iterator[FakeBotFramework]:
    fake = FakeBotFramework()
    yield fake
    fake.stop()


def message(botframework: FakeBotFramework, **fields) -> dict:
    return {
        "type": "message",
        "channelId": "msteams",
        "serviceUrl": botframework.service_url,
        **fields,
    }


def check(keys: OpenIdKeys, token: str | None, activity: dict) -> dict:
    return asyncio.run(authenticate(f"Bearer {token}" if token else None, activity, APP_ID, keys))


def test_keys_are_fetched_on_first_use_not_before(botframework: FakeBotFramework) -> None:
    keys = OpenIdKeys(botframework.metadata_url)
    assert botframework.jwks_fetches == 0
    claims = check(keys, botframework.token(), message(botframework))
    assert claims["aud"] == APP_ID and botframework.jwks_fetches == 1
    check(keys, botframework.token(), message(botframework))
    assert botframework.jwks_fetches == 1  # cached


def test_keys_are_refreshed_after_a_day(botframework: FakeBotFramework) -> None:
    clock = Clock()
    keys = OpenIdKeys(botframework.metadata_url, clock=clock)
    check(keys, botframework.token(), message(botframework))
    clock.now += 23 * 3600
    check(keys, botframework.token(), message(botframework))
    assert botframework.jwks_fetches == 1
    clock.now += 3600
    check(keys, botframework.token(), message(botframework))
    assert botframework.jwks_fetches == 2


def test_unknown_kids_refresh_at_most_once_per_interval(botframework: FakeBotFramework) -> None:
    clock = Clock()
    keys = OpenIdKeys(botframework.metadata_url, clock=clock)
    check(keys, botframework.token(), message(botframework))

    async def many_forged() -> list[BaseException | dict]:
        tokens = [botframework.token(key=new_key(f"forged-{i}")) for i in range(20)]
        return await asyncio.gather(
            *(authenticate(f"Bearer {t}", message(botframework), APP_ID, keys) for t in tokens),
            return_exceptions=True,
        )

    results = asyncio.run(many_forged())
    assert all(isinstance(r, AuthError) and r.status == 403 for r in results)
    assert botframework.jwks_fetches == 2  # one refresh for twenty forged key ids
    rotated = new_key("key-2")
    botframework.keys.append(rotated)
    with pytest.raises(AuthError):  # still within the interval: no refresh, not yet known
        check(keys, botframework.token(key=rotated), message(botframework))
    clock.now += 300
    assert check(keys, botframework.token(key=rotated), message(botframework))
    assert botframework.jwks_fetches == 3


def test_keys_unreachable_is_503_and_cached_keys_survive_an_outage(
    botframework: FakeBotFramework,
) -> None:
    clock = Clock()
    dead = OpenIdKeys("http://127.0.0.1:9/openid", clock=clock)
    with pytest.raises(AuthError) as error:
        check(dead, botframework.token(), message(botframework))
    assert error.value.status == 503
    keys = OpenIdKeys(botframework.metadata_url, clock=clock)
    check(keys, botframework.token(), message(botframework))
    botframework.stop()
    clock.now += 2 * 24 * 3600  # due for a refresh that fails: the old keys still verify
    assert check(keys, botframework.token(), message(botframework))


def test_only_msteams_with_a_key_endorsed_for_it_is_accepted(
    botframework: FakeBotFramework,
) -> None:
    keys = OpenIdKeys(botframework.metadata_url)
    shared = botframework.key("key-shared")  # endorsed for msteams, webchat, directline, skype
    assert check(keys, botframework.token(key=shared), message(botframework))
    # Microsoft signs Web Chat's and Direct Line's tokens too, with keys endorsed for them (some
    # for Teams as well): whatever the key, only the channel "msteams" is served.
    for channel, kid in [("webchat", "key-shared"), ("directline", "key-directline"),
                         ("webchat", "key-1"), ("MSTEAMS", "key-shared"), ("", "key-1")]:  # fmt: skip
        token = botframework.token(key=botframework.key(kid))
        with pytest.raises(AuthError, match="not served") as error:
            check(keys, token, message(botframework, channelId=channel))
        assert error.value.status == 403
    # A channelId of another JSON type is refused the same way, never a TypeError.
    for channel in (["msteams"], {"id": "msteams"}, 5, None):
        with pytest.raises(AuthError, match="not served"):
            check(keys, botframework.token(), message(botframework, channelId=channel))
    # The key must list msteams among its endorsements; one that lists none endorses nothing.
    for kid in ("key-skype", "key-directline", "key-unendorsed"):
        with pytest.raises(AuthError, match="not endorsed"):
            check(keys, botframework.token(key=botframework.key(kid)), message(botframework))


def test_settings_need_all_three_values() -> None:
    assert TeamsSettings.from_env({"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "b"}) is None
    settings = TeamsSettings.from_env(
        {"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "b", "TEAMS_TENANT_ID": "contoso"}
    )
    assert settings.token_url == "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"
    assert settings.openid_metadata_url.startswith("https://login.botframework.com/")
    assert status_line({}).startswith("Microsoft Teams: off")
    on = {"TEAMS_APP_ID": "a", "TEAMS_APP_PASSWORD": "b", "TEAMS_TENANT_ID": "c"}
    assert status_line(on) == "Microsoft Teams: on at /webhooks/teams/api/messages for app a"


def test_conversation_identity_mentions_and_locale() -> None:
    aad = "6f1c2e9a-3b4d-4c5e-8f70-112233445566"
    user = {"id": "29:1", "aadObjectId": aad}
    personal = {"from": user, "conversation": {"id": "a:1", "conversationType": "personal"}}
    assert sender_id(personal) == f"teams:{aad}"
    thread = {"from": user, "conversation": {"id": "19:c@thread.tacv2;messageid=42", "conversationType": "channel"}}  # fmt: skip
    assert sender_id(thread) == f"teams:{aad}|19:c@thread.tacv2"
    # Without an object id (or with one that is not): the Bot Framework id, in a sub-namespace.
    for user in (
        {"id": aad},
        {"id": aad, "aadObjectId": "not-an-id"},
        {"id": aad, "aadObjectId": 5},
    ):
        assert sender_id({**personal, "from": user}) == f"teams:bf:{aad}"
    assert sender_id({**thread, "from": {"id": "29:1"}}) == "teams:bf:29:1|19:c@thread.tacv2"
    mention = {"type": "mention", "text": "<at>Bot</at>", "mentioned": {"id": "28:bot"}}
    other = {"type": "mention", "text": "<at>Eva</at>", "mentioned": {"id": "29:eva"}}
    activity = {
        "text": "<at>Bot</at> Was fehlt &amp; <at>Eva</at> mir noch?",
        "recipient": {"id": "28:bot"},
        "entities": [mention, other],
    }
    assert user_text(activity) == "Was fehlt & <at>Eva</at> mir noch?"
    assert channel_locale({"locale": "de-AT"}) == "de-AT"
    client_info = {"entities": [{"type": "clientInfo", "locale": "en-GB"}]}
    assert channel_locale(client_info) == "en-GB"


def test_long_texts_are_split_at_line_ends() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(300))
    parts = split_text(text, limit=1000)
    assert all(len(p) <= 1000 for p in parts) and "\n".join(parts) == text
    assert split_text("y" * 2500, limit=1000) == ["y" * 1000, "y" * 1000, "y" * 500]


def test_parts_of_the_wrong_type_are_read_as_absent() -> None:
    odd = {
        "from": "someone",
        "recipient": ["bot"],
        "conversation": 5,
        "text": "Hallo",
        "entities": [5, None, {"type": "mention", "mentioned": "bot", "text": 5}],
        "locale": 7,
    }
    assert sender_id(odd) == ""
    assert user_text(odd) == "Hallo"
    assert channel_locale(odd) is None
    assert message_metadata(odd)["teams"] == {"conversation_type": "personal", "tenant_id": ""}
    assert channel_locale({"entities": "clientInfo"}) is None


def test_shape_and_tenant_checks() -> None:
    tenant = "7e1a1700-0000-4000-8000-000000000001"
    good = {
        "type": "message",
        "channelId": "msteams",
        "serviceUrl": "https://smba.trafficmanager.net/emea/",
        "from": {"id": "29:1", "aadObjectId": "6f1c2e9a-3b4d-4c5e-8f70-112233445566"},
        "conversation": {"id": "a:1", "conversationType": "personal", "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
    }
    check_shape(good)
    check_tenant(good, tenant.upper())
    for bad in (
        {**good, "channelId": ["msteams"]},
        {**good, "serviceUrl": None},
        {**good, "channelData": "x"},
        {**good, "channelData": {"tenant": [tenant]}},
        {**good, "channelData": {"tenant": {"id": 5}}},
        {**good, "conversation": {**good["conversation"], "tenantId": [tenant]}},
        {**good, "from": {"id": "29:1", "aadObjectId": "29:1"}},
    ):
        with pytest.raises(Refused) as error:
            check_shape(bad)
        assert error.value.status == 400
    other = "0a0b0c0d-1111-4222-8333-444455556666"
    for bad in (
        {**good, "channelData": {"tenant": {"id": other}}},
        {**good, "conversation": {**good["conversation"], "tenantId": other}},
        {k: v for k, v in good.items() if k not in ("channelData", "conversation")},
    ):
        with pytest.raises(Refused) as error:
            check_tenant(bad, tenant)
        assert error.value.status == 403
    with pytest.raises(Refused):
        check_tenant(good, other)
