# Every target does the set-up it needs: a fresh clone only needs `make run` or `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
# TensorFlow and Rasa talk a lot on start-up; keep the output to what matters.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONWARNINGS := ignore::DeprecationWarning
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Rasa would otherwise send telemetry and error reports; nothing may leave this machine.
export RASA_TELEMETRY_ENABLED := false

.PHONY: setup test lint bench evaluate run cluster shell model clean browser haproxy redis

setup: $(STAMP)

# The stamp's name carries a hash of pyproject.toml: a changed dependency list installs again,
# an unchanged one is skipped.
$(STAMP):
	@PY310=$$(PYENV_VERSION=3.10.13 command -v python3.10 2>/dev/null || true); \
	if [ -z "$$PY310" ] || ! PYENV_VERSION=3.10.13 "$$PY310" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then \
	  echo "error: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10); install it, e.g. 'pyenv install 3.10.13'." >&2; exit 1; \
	fi; \
	if [ ! -x $(PY) ]; then PYENV_VERSION=3.10.13 "$$PY310" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --upgrade "pip>=24,<25"
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

test: setup browser haproxy redis
	$(PY) -m pytest -q

# A Debian package installed with apt when its program is missing (CI runs as root):
# $(call debian_package,<program>,<package>,<what needs it>)
define debian_package
	@if [ ! -x $(1) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y --no-install-recommends $(2) \
	      || { apt-get update -qq && apt-get install -y --no-install-recommends $(2); } || exit 1; \
	  else echo "error: $(3) need Debian's $(2) at $(1); install it: sudo apt-get install -y --no-install-recommends $(2)" >&2; exit 1; fi; \
	fi
endef

# Debian's Chromium for the browser tests (tests/browser/, Playwright): nothing downloads a browser.
browser:
	$(call debian_package,/usr/bin/chromium,chromium,the browser tests)

# Debian's HAProxy for `make cluster` and its tests.
haproxy:
	$(call debian_package,/usr/sbin/haproxy,haproxy,make cluster and its tests)

# Debian's Redis for the cluster test, which starts and stops a Redis server of its own.
redis:
	$(call debian_package,/usr/bin/redis-server,redis-server,the cluster tests)

# The trained model for the current data and config (trained only when they changed).
model: setup
	$(PY) -c "from bot.serve import ensure_model; ensure_model()"

# Everything in the foreground: model, database migrations, action server and Rasa server.
run: setup
	$(PY) -m bot.serve

# Several Rasa servers behind HAProxy on PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), in the
# foreground under supervisord (restarts a process that dies; Ctrl-C stops all); settings in
# bot/cluster.py. tests/e2e/test_cluster.py runs this very target.
cluster: setup haproxy
	$(PY) -m bot.cluster

# A terminal chat with the assistant (starts the action server alongside).
shell: setup
	$(PY) -m bot.serve --shell

# NLU quality per language on a held-out split; writes results/nlu_evaluation.json.
evaluate: setup
	$(PY) -m bot.nlu.evaluate

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Speed and memory as ratios against a baseline measured in the same run (see bench/).
bench: setup haproxy
	$(PY) -m bench.engine
	$(PY) -m bench.statements
	$(PY) -m bench.embedding
	$(PY) -m bench.training
	$(PY) -m bench.conversation
	$(PY) -m bench.cluster

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
