# Casinra Destek. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

BOT_VENV := .venv-bot
BOT_PY   := $(BOT_VENV)/bin/python
RASA     := $(BOT_VENV)/bin/rasa
SPACY_MODEL := models/spacy/tr_casinra
MODEL    := models/casinra.tar.gz
PROFILE  ?= dev
PLAYER   ?= P1001

# Everything the trained model depends on (the data, and the code of every pipeline component with
# what it imports): retrain only when one of these changes.
CONTRACTS    := contracts/casinra_contracts
MODEL_INPUTS := config.yml domain.yml $(wildcard data/*.yml data/*/*.yml) \
                bot/nlu_turkish.py bot/entities.py bot/intent_classifier.py \
                bot/keyword_rescue.py bot/rescue_keywords.yml bot/safety_detector.py bot/safety_patterns.yml \
                bot/second_question.py bot/language.py bot/policy.py $(CONTRACTS)/topics.py \
                bot/spacy_model.py $(CONTRACTS)/text.py $(CONTRACTS)/ids.py $(CONTRACTS)/money.py

export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa's training cache, outside the project: plain `rasa test` reads every file below the
# current folder as possible test data and fails on the cache's files (make env exports it too).
export RASA_CACHE_DIRECTORY ?= $(HOME)/.cache/casinra-destek/rasa

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: install seed train ## install, seed, train if stale, start everything, print the URLs
	@python3 scripts/devstack.py up --profile $(PROFILE)

.PHONY: test
test: install train ## install what is missing, start what the tests need, run the whole suite
	@bash scripts/test.sh

.PHONY: test-faults
test-faults: install ## the fault suite alone: Redis, Rasa, action server and gateways killed and restarted (private processes)
	.venv-gw/bin/python -m pytest -q -c tests/handoff/pytest.ini tests/faults

.PHONY: test-fuzz
test-fuzz: install ## fuzz every websocket frame type and REST operation of the gateway (hypothesis, bounded)
	.venv-gw/bin/python -m pytest -q -c tests/handoff/pytest.ini tests/fuzz

.PHONY: test-cluster
test-cluster: install ## the cluster layout (HAProxy, two gateways, two Rasa, PostgreSQL) with gateways and Rasa killed
	.venv-gw/bin/python -m pytest -q -c tests/handoff/pytest.ini tests/cluster

.PHONY: env
env: ## print the stack's environment: eval "$$(make -s env)" before plain rasa/gateway commands
	@python3 scripts/devstack.py env --profile $(PROFILE)

.PHONY: chat
chat: ## talk to the running bot in the terminal (PLAYER=P1001 … P1004, or PLAYER=guest)
	@$(BOT_PY) -m bot.chat --profile $(PROFILE) $(if $(filter guest,$(PLAYER)),--guest,--player $(PLAYER))

.PHONY: train
train: $(MODEL) ## train the Rasa model if data, domain or config changed

.PHONY: validate
validate: install ## validate the training data (Rasa's checks plus ours, in Turkish with file:line)
	$(BOT_PY) -m bot validate

.PHONY: inbox
inbox: install ## the content team's review inbox from the stack's conversations (python -m bot --help: the rest)
	$(BOT_PY) -m bot inbox

.PHONY: report
report: $(MODEL) ## per-intent quality and confusion matrix of the current model on the held-out set
	$(BOT_PY) -m bot.content report --model $(MODEL)

.PHONY: bench
bench: install $(MODEL) ## the system under load (python -m bench) and the NLU (bot/bench.py) → results/bench/, docs/bench.md; BENCH=--quick: a short system run only
	.venv-gw/bin/python -m bench $(BENCH)
	$(if $(filter --quick,$(BENCH)),,$(BOT_PY) -m bot.bench)
	$(if $(filter --quick,$(BENCH)),,.venv-gw/bin/python -m bench.report)

.PHONY: seed
seed: install ## (re)create the demo back-office database of the stack (CASINRA_DB_URL, else var/$(PROFILE)/)
ifeq ($(PROFILE),cluster)
	python3 scripts/devstack.py seed --profile cluster  # its PostgreSQL, started for the seed if need be
else
	CASINRA_PROFILE=$(PROFILE) $(BOT_PY) -m actions.backoffice.seed --generate 500
endif

.PHONY: weekly-report
weekly-report: install ## the weekly support report of the running stack, in Turkish, as HTML and PDF (WEEK=2026-W46; default: last week) → results/weekly/
	@eval "$$(python3 scripts/devstack.py env --profile $(PROFILE))"; .venv-gw/bin/python -m casinra_handoff.reports --out results/weekly $(if $(WEEK),--week $(WEEK))

.PHONY: sample-month
sample-month: install ## fill the running stack with a generated month of conversations, ratings and tickets (for the supervisor's page and the report)
	@eval "$$(python3 scripts/devstack.py env --profile $(PROFILE))"; .venv-gw/bin/python -m casinra_handoff.sample_month

.PHONY: stop
stop: ## stop a stack left running in the background
	python3 scripts/devstack.py stop --profile $(PROFILE)

.PHONY: install
install: $(BOT_VENV)/.installed system-packages gateway-install ## create the virtual environments and install system packages

$(BOT_VENV)/.installed: requirements/bot.lock requirements/bot-dev.txt contracts/pyproject.toml
	@echo "Creating $(BOT_VENV) (Python 3.10, Rasa 3.6) …"
	test -x $(BOT_PY) || $$(scripts/find-python.sh 3.10) -m venv $(BOT_VENV)
	$(BOT_PY) -m pip install -q --upgrade "pip==24.3.1" "wheel==0.45.1"
	$(BOT_PY) -m pip install -q -r requirements/bot.lock -r requirements/bot-dev.txt
	$(BOT_PY) -m pip install -q --no-deps -e contracts
	touch $@

.PHONY: system-packages
system-packages: ## Debian packages: redis-server (and chromium for browser tests)
	@bash scripts/system-packages.sh

$(SPACY_MODEL)/meta.json: bot/spacy_model.py $(CONTRACTS)/text.py $(BOT_VENV)/.installed
	$(BOT_PY) -m bot.spacy_model $(SPACY_MODEL)

$(MODEL): $(MODEL_INPUTS) $(SPACY_MODEL)/meta.json $(BOT_VENV)/.installed
	$(RASA) train --fixed-model-name casinra --out models --num-threads 2
	@touch $@

.PHONY: clean
clean: ## remove trained models and local state (keeps the virtual environments)
	rm -rf models var results .rasa $(RASA_CACHE_DIRECTORY)

-include handoff/Makefile.inc
gateway-install::
