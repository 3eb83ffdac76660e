"""Rasa finds an event's class by its type name (`Event.resolve_by_type`) by walking all
subclasses of `Event` and checking each for being abstract, for every event of every tracker it
reads: about 20 µs an event, several times per turn for a conversation of a hundred events or
more. Here a name once found is remembered; a name not found yet is looked up Rasa's way (a class
imported later is still found), so the answers are Rasa's own.

Installed by the channels (`install()`), which every Rasa server of the product loads.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import Event

_rasas_resolve_by_type = Event.resolve_by_type
_found: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    cls = _found.get(type_name)
    if cls is None:
        cls = _rasas_resolve_by_type(type_name, default)  # Rasa's answer, default or error
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            _found[type_name] = cls  # found by its name, not the default
    return cls


def install() -> None:
    Event.resolve_by_type = staticmethod(_resolve_by_type)
