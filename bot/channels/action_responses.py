"""Rasa checks every action server response against its JSON schema with `jsonschema.validate`,
which first checks the schema itself and builds a new validator: in a profiled turn of ours that
was about 70% of the Rasa server's time (`make bench`; bench/conversation.py --profile), since a
form turn makes several action calls. Here the validator is built once and every response is
still validated, with Rasa's own error message.

Installed by the channels (`install()`), which every Rasa server of the product loads.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.cache
def _validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once: what jsonschema.validate does on every call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(result))
    if error is not None:
        error.message += (
            f". Failed to validate Action server response from API, "
            f"make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    RemoteAction._validate_action_result = _validate_action_result
