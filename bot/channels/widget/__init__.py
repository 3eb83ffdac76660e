"""The web widget: its socket.io channel, pages and static files."""
