"""Which channel owns a conversation, read from its tracker id alone.

Teams and the widget give their conversations ids in a namespace of their own; the REST channel,
whose caller names the tracker id (CONTRACT.md §6), refuses ids in those namespaces. So no channel
can speak in, read or delete another channel's conversation, and an id that claims a verified
identity (a Teams user's Entra object id) can only come from the channel that verified it.
"""

from __future__ import annotations

TEAMS = "teams"
WIDGET = "widget"
REST = "rest"

# Tracker-id prefixes of the channels that verify who is talking.
TEAMS_PREFIX = "teams:"
WIDGET_PREFIX = "widget-"
_PREFIXES = {TEAMS_PREFIX: TEAMS, WIDGET_PREFIX: WIDGET}


def owning_channel(sender_id: str) -> str:
    """The channel whose conversation `sender_id` is: "teams", "widget", else "rest"."""
    for prefix, channel in _PREFIXES.items():
        if sender_id.startswith(prefix):
            return channel
    return REST
