"""The remembered event-class lookup gives Rasa's own answers."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.utils.common import all_subclasses

from bot.channels import event_types


def test_every_event_type_resolves_as_rasa_resolves_it() -> None:
    rasas = {cls.type_name: event_types._rasas_resolve_by_type(cls.type_name)
             for cls in all_subclasses(Event)}  # fmt: skip
    event_types.install()
    for _ in range(2):  # looked up, then remembered
        assert {name: Event.resolve_by_type(name) for name in rasas} == rasas
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no such event")
    assert Event.resolve_by_type("no such event", SlotSet) is SlotSet
    assert "no such event" not in event_types._found  # a default is never remembered
    assert Event.resolve_by_type("topic") is None
    event = Event.from_parameters({"event": "slot", "name": "language", "value": "de"})
    assert event == SlotSet("language", "de")
