"""Action server responses are still validated against Rasa's schema, by a validator built once."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.channels import action_responses

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "language", "value": "de"}],
        "responses": [{"text": "Hi"}],
    },
    {},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"responses": "x"},
]


@pytest.fixture
def action() -> RemoteAction:
    action_responses.install()
    return RemoteAction("action_check_eligibility", EndpointConfig("http://127.0.0.1:9"))


@pytest.mark.parametrize("result", GOOD)
def test_a_valid_response_passes_as_with_rasas_own_check(action: RemoteAction, result) -> None:
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", BAD)
def test_an_invalid_response_is_refused_as_with_rasas_own_check(action: RemoteAction, result):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server"):
        action._validate_action_result(result)
