"""Pages of another origin that embed the widget, as a partner portal would.

They are served on `HOST_PAGE_PORT`, the origin the `assistant` fixture lists in
`BOT_WIDGET_ORIGINS`. `/embed?...` writes the widget's script tag from the query: `lang`, `mode`,
`transports` become its `data-` attributes, and `hostile=1` adds CSS that tries to break every
element on the page and sets a `window.io` of the page's own.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.e2e.conftest import WIDGET_HOST_PORT

HOST_PAGE_PORT = WIDGET_HOST_PORT
HOST_PAGE_ORIGIN = f"http://127.0.0.1:{HOST_PAGE_PORT}"

HOSTILE_CSS = """
* { all: unset !important; font-size: 2px !important; display: inline !important;
    line-height: 1px !important; color: #ff0 !important; background: #f0f !important; }
html { font-size: 3px !important; }
button { display: none !important; }
div, section, p, textarea { visibility: hidden !important; opacity: 0 !important; }
"""


def embed_page(bot: str, query: dict[str, str]) -> str:
    attributes = "".join(
        f' data-{name}="{html.escape(query[name])}"'
        for name in ("lang", "mode", "transports")
        if query.get(name)
    )
    hostile = query.get("hostile") == "1"
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    # The widget must neither use nor replace a `window.io` the host page has of its own.
    own_io = '<script>window.io = "the host page\'s own io";</script>' if hostile else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Partner portal</title>{style}</head><body>"
        "<h1>Partner portal</h1><p>A page of another origin that embeds the assistant.</p>"
        f"{own_io}"
        f'<script src="{html.escape(bot)}/widget.js"{attributes} defer></script>'
        "</body></html>"
    )


class HostPages:
    """A local HTTP server for the embedding pages, in a thread of the test process."""

    def __init__(self, bot: str) -> None:
        bot_base = bot

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                url = urlsplit(self.path)
                if url.path != "/embed":
                    self.send_response(204 if url.path == "/favicon.ico" else 404)
                    self.end_headers()
                    return
                query = {k: v[-1] for k, v in parse_qs(url.query).items()}
                body = embed_page(bot_base, query).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", HOST_PAGE_PORT), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, **query: str) -> str:
        params = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{HOST_PAGE_ORIGIN}/embed?{params}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
