"""`rasa run` with the HTTP API token from the environment instead of the command line.

Rasa takes the token only as `--auth-token`, and a process's command line is visible to every
local user (`ps`, /proc/<pid>/cmdline); its environment only to the user it runs as. This module
reads `BOT_API_TOKEN` and hands it to Rasa's own command-line parser inside the process.

    python -m bot.rasa_server --model models/x.tar.gz --port 5005 [other `rasa run` options]
"""

from __future__ import annotations

import os
import sys

TOKEN_ENV = "BOT_API_TOKEN"


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in args):
        print(
            "error: the API token comes from BOT_API_TOKEN, not the command line", file=sys.stderr
        )
        return 2
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        print(f"error: {TOKEN_ENV} must be set", file=sys.stderr)
        return 2
    from rasa.__main__ import main as rasa_main

    # Only this process's copy of its arguments changes: /proc/<pid>/cmdline keeps what exec got.
    sys.argv = ["rasa", "run", *args, "--auth-token", token]
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
