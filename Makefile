# One road in: every target calls the project's own CLI (python -m bot ...)
# after making sure the virtual environment matches the lock.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
INSTALLED := $(VENV)/.installed
# This machine keeps a CPU build of torch on disk; elsewhere PyPI's is used.
FIND_LINKS := $(if $(wildcard /opt/wheels/torch-*.whl),--find-links /opt/wheels)

.PHONY: help install run chat test check stories conversations eval bench lock clean widget chromium haproxy

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(INSTALLED): requirements/requirements.lock
	@echo "Installing the pinned environment into $(VENV) (first time: about a minute)..."
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.8
	@# Bytecode compiled once here: where PYTHONDONTWRITEBYTECODE is set, Python
	@# would otherwise recompile Rasa and TensorFlow on every start (about 25 s).
	@$(UV) pip sync --compile-bytecode --python $(PY) $(FIND_LINKS) requirements/requirements.lock
	@touch $(INSTALLED)

install: $(INSTALLED)  ## create .venv from the lock (only when the lock changed)

# The web widget (widget/): npm packages from its lock, then an esbuild bundle
# in widget/dist/ (not committed), rebuilt only when its sources or lock change.
WIDGET_DEPS := widget/node_modules/.package-lock.json
WIDGET_BUNDLE := widget/dist/widget.js

$(WIDGET_DEPS): widget/package-lock.json widget/package.json
	@command -v npm >/dev/null || { echo "The web widget needs Node.js (18 or newer) and npm: install them, then run make again."; exit 1; }
	@echo "Installing the web widget's npm packages (npm ci)..."
	@cd widget && npm ci --no-audit --no-fund --loglevel=error

$(WIDGET_BUNDLE): $(WIDGET_DEPS) widget/build.mjs $(wildcard widget/src/*.js)
	@cd widget && npm run --silent build

widget: $(WIDGET_BUNDLE)  ## build the web widget (npm ci + esbuild) when its sources or lock changed

# Browser tests drive Debian's Chromium (Playwright never downloads a browser);
# the emoji font only makes emoji in the screenshots look as they do for runners.
/usr/bin/chromium:
	@echo "Installing Debian's Chromium for the browser tests (apt-get)..."
	@$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	@DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null

chromium: /usr/bin/chromium  ## install Debian's Chromium for the browser tests, when it is missing

# Replicas (make run REPLICAS=2) run behind Debian's HAProxy on the public port.
/usr/sbin/haproxy:
	@echo "Installing Debian's HAProxy for replicas (apt-get)..."
	@$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	@DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y -qq haproxy >/dev/null

haproxy: /usr/sbin/haproxy  ## install Debian's HAProxy (for make run REPLICAS=2 and the replica tests), when it is missing

# REPLICAS=N (more than 1) starts N Rasa servers behind HAProxy; it needs
# TRACKER_STORE_URL (PostgreSQL) and LOCK_STORE_URL (Redis): see the README.
run: install widget $(if $(filter-out 1,$(REPLICAS)),haproxy)  ## train if needed, build the article index if stale, start the bot (REPLICAS=N: N Rasa servers behind HAProxy)
	@$(PY) -m bot run $(if $(REPLICAS),--replicas $(REPLICAS))

chat: install  ## talk to the bot in this terminal (starts it if it is not running)
	@$(PY) -m bot chat

check: install  ## rasa data validate
	@$(PY) -m bot check

stories: install  ## Rasa test stories, failing on any prediction error
	@$(PY) -m bot test-stories

# make test runs these too, on the e2e tests' bot (tests/e2e/test_conversations.py).
conversations: install  ## conversation tests (tests/conversations/*.yml) against the live bot; report in reports/conversations.html
	@$(PY) -m bot conversations

test: install widget chromium haproxy  ## everything: data validation, test stories, unit, action, end-to-end and conversation tests
	@$(PY) -m bot check
	@$(PY) -m bot test-stories
	@$(PY) -m pytest

eval: install  ## one quality report (reports/quality/report.md): triage, intents, retrieval, dev and held-out
	@$(PY) -m bot eval

# LOAD_SECONDS: length of each of the three load tests (64 runners at once).
LOAD_SECONDS ?= 60
bench: install haproxy  ## speed and memory figures, and a load test (LOAD_SECONDS=60), with the machine they came from
	@$(PY) -m bot bench --load-seconds $(LOAD_SECONDS)

lock: install  ## regenerate requirements/requirements.lock from requirements.in
	@$(UV) pip compile requirements/requirements.in --override requirements/overrides.txt \
		$(FIND_LINKS) --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
		--quiet -o requirements/requirements.lock
	@# A local "+cpu" tag would stop the lock installing anywhere but here.
	@sed -i 's/^torch==\([0-9.]*\)+cpu/torch==\1/' requirements/requirements.lock

clean:  ## remove the environment, models, index and reports (keeps conversations)
	rm -rf $(VENV) models knowledge/index reports results
