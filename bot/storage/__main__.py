"""`python -m bot.storage url`: the resolved DATABASE_URL, for `make run` to export to Rasa.

Rasa's endpoints.yml reads `${DATABASE_URL}` and fails when it is unset; the default (a SQLite file
under the repository's `var/`) is resolved here, so Rasa, the action server and the CLI agree.
"""

import sys

from bot.storage.config import database_url

if sys.argv[1:] != ["url"]:
    print("usage: python -m bot.storage url", file=sys.stderr)
    sys.exit(2)
print(database_url())
