# The project's vocabulary: `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The settings' defaults (settings.defaults, read by paybot/settings.py too), exported to every recipe.
include settings.defaults
export $(shell sed -n 's/^\([A-Z][A-Z0-9_]*\) *?=.*/\1/p' settings.defaults)

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# python3.10 may live only in pyenv on these machines; find it without relying on the shim's global version.
PYTHON310 ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10*/bin/python3.10) $(shell command -v python3.10))
SETUP_STAMP := $(VENV)/.setup-done
# The NLU components' code is part of the model too.
TRAIN_INPUTS := config.yml $(shell find domain data -name '*.yml' 2>/dev/null) $(shell find korean_nlu -name '*.py' 2>/dev/null)

.PHONY: help setup train run run-cluster shell test test-unit lint validate clean soak bench retention

# What make test demands of the NLU (docs/nlu.md): macro-F1 with a clarification counted as a miss, and the
# largest share answered with a wrong topic, on the held-out split and on the external set of real
# utterances none of us wrote (tests/data/nlu_external.yml, never trained on).
HOLDOUT_MIN_F1 := 0.97
HOLDOUT_MAX_WRONG := 0.03
EXTERNAL_MIN_F1 := 0.85
EXTERNAL_MAX_WRONG := 0.08
# The held-out split typed the way customers type (tests/data/nlu_noisy.yml, scripts/make_noisy_split.py).
NOISY_MIN_F1 := 0.90
NOISY_MAX_WRONG := 0.06

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: $(SETUP_STAMP) ## Create .venv (python3.10) and install the pinned dependencies

$(SETUP_STAMP): requirements.txt constraints.txt
	@test -x $(PY) || { test -n "$(PYTHON310)" || { echo "python3.10 not found (Rasa 3.6 needs Python 3.8-3.10)"; exit 1; }; \
		$(PYTHON310) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip==24.0
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt
	@touch $@

train: setup ## Train a model when models/ has none newer than config, domain and data
	@newest=$$(ls -t models/*.tar.gz 2>/dev/null | head -1); \
	if [ -n "$$newest" ] && [ -z "$$(find $(TRAIN_INPUTS) -newer "$$newest" 2>/dev/null)" ]; then \
		echo "Model $$newest is up to date."; \
	else \
		$(RASA) train --domain domain --fixed-model-name "paybot-$$(date +%Y%m%d-%H%M%S)" --out models; \
	fi

run: train web-setup console-setup ## Serve the bot: chat page :8080, Rasa :5005 (REST, socket.io, Kakao), actions :5055, console :8090
	@bash scripts/run.sh

run-cluster: train web-setup cluster-setup console-setup ## Serve the bot behind nginx :5000: Rasa :5005 and :5006 on PostgreSQL and Redis, chat page :8080, console :8090
	@bash scripts/run_cluster.sh

# The cluster's load balancer (cluster/nginx.conf.template): Debian's nginx, and envsubst to fill it in.
.PHONY: cluster-setup
CLUSTER_PACKAGES := nginx-light gettext-base

cluster-setup: ## Install Debian's nginx (and envsubst) for run-cluster and its test (apt-get, as root)
	@if dpkg -s $(CLUSTER_PACKAGES) >/dev/null 2>&1; then echo "$(CLUSTER_PACKAGES): installed."; \
	else apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(CLUSTER_PACKAGES); fi

shell: train ## Chat with the bot in the terminal
	@bash scripts/run.sh shell

validate: setup ## Check the training data and domain (rasa data validate)
	$(RASA) data validate --domain domain

test: train web-setup browser-setup cluster-setup console-setup ## Run every test: lint, pytest, data validation, story tests, NLU on the held-out split
	@$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q
	$(RASA) data validate --domain domain
	$(RASA) test core --stories tests/data/test_stories.yml --fail-on-prediction-errors --out results/core
	$(RASA) test nlu --domain domain --nlu tests/data/nlu_holdout.yml --out results/nlu
	$(PY) scripts/check_nlu_f1.py results/nlu/intent_report.json --min-macro-f1 0.90
	$(PY) -m trainer.outcomes tests/data/nlu_holdout.yml tests/data/nlu_noisy.yml tests/data/nlu_external.yml \
		--json results/nlu/outcomes.json \
		--check tests/data/nlu_holdout.yml $(HOLDOUT_MIN_F1) $(HOLDOUT_MAX_WRONG) \
		--check tests/data/nlu_noisy.yml $(NOISY_MIN_F1) $(NOISY_MAX_WRONG) \
		--check tests/data/nlu_external.yml $(EXTERNAL_MIN_F1) $(EXTERNAL_MAX_WRONG)

test-unit: setup ## Fast tests only: no model, servers or services (pytest -m "not live"), in seconds
	$(PY) -m pytest -q -m "not live"

lint: setup ## Ruff (style, imports, likely bugs) and mypy (types) over our packages, as pyproject.toml configures them
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

retention: setup ## Delete conversations older than TRACKER_RETENTION_DAYS now (ARGS=--dry-run only counts them)
	$(PY) -m paybot.retention $(ARGS)

clean: ## Remove trained models and test results (keeps .venv)
	rm -rf models results

soak: train ## Loopback soak: 50 concurrent conversations x 20 messages; errors and lost events must be 0
	$(PY) scripts/soak.py --conversations 50 --messages 20

# The web chat page (web/, docs/web.md): its widget from npm, and Debian's chromium for its browser test.
.PHONY: web-setup browser-setup
WEB_STAMP := web/node_modules/.npm-ci-done
BROWSER_PACKAGES := chromium fonts-nanum fonts-noto-color-emoji

web-setup: $(WEB_STAMP) ## Install the chat page's widget (rasa-webchat) with npm ci from web/package-lock.json

$(WEB_STAMP): web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the chat page needs Node.js and npm to install rasa-webchat"; exit 1; }
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

browser-setup: ## Install Debian's chromium, Korean and emoji fonts for the browser test (apt-get, as root)
	@if dpkg -s $(BROWSER_PACKAGES) >/dev/null 2>&1; then echo "$(BROWSER_PACKAGES): installed."; \
	else apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(BROWSER_PACKAGES); fi

# The trainers' loop (docs/trainer.md); `python -m trainer add INTENT "문장"` adds examples.
.PHONY: trainer-check trainer-retrain trainer-report trainer-inbox
trainer-check: setup ## Trainers: rasa data validate plus clashes between intents' examples
	$(PY) -m trainer check

trainer-retrain: setup ## Trainers: train a new model (fine-tuned from the last one when Rasa allows it)
	$(PY) -m trainer retrain

trainer-report: setup ## Trainers: newest model vs the one before on the held-out split (fails if an F1 fell > 0.05)
	$(PY) -m trainer report

trainer-inbox: setup ## Trainers: label the customer messages the bot did not understand
	$(PY) -m trainer inbox

bench: setup ## Speed benchmark against a stock `rasa init` bot, trains its own model (bench/results/, table, plot); then the console's queries on 100,000 conversations
	$(PY) -m bench $(BENCH_ARGS)
	$(PY) -m console.bench

# The support-team console (console/, docs/console.md): Chart.js from npm, copied into console/static/vendor/.
.PHONY: console-setup console-user console-bench console-screenshots
CONSOLE_STAMP := console/node_modules/.npm-ci-done

console-setup: $(CONSOLE_STAMP) ## Install the console's chart library (Chart.js) with npm ci from console/package-lock.json

$(CONSOLE_STAMP): console/package.json console/package-lock.json
	@command -v npm >/dev/null || { echo "npm not found: the console needs Node.js and npm to install Chart.js"; exit 1; }
	cd console && npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p console/static/vendor && cp console/node_modules/chart.js/dist/chart.umd.min.js console/static/vendor/
	@touch $@

console-user: setup ## Console accounts: ARGS="add NAME --role viewer|trainer|admin" (asks the password), ARGS=list
	$(PY) -m console user $(ARGS)

console-screenshots: setup console-setup ## The screenshots of docs/console.md (docs/img/console-*.png), from made-up conversations
	.venv/bin/python scripts/console_screenshots.py

console-bench: setup ## Console dashboard queries on a generated store of 100,000 conversations (timings)
	$(PY) -m console.bench $(ARGS)
