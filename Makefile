# The README's two commands: `make run` (the product on SQLite with the demo campaign) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Local secrets, generated once; never committed.
.env: | $(BIN)/python
	$(BIN)/python -c "import secrets; print(f'SECRET_KEY={secrets.token_urlsafe(32)}\nLINK_SECRET={secrets.token_urlsafe(32)}')" > .env

# A delivery worker runs beside gunicorn and stops with it, so what the sending page queues goes out
# on the channels .env configures; with none configured it says so and exits (the page names the settings).
run: $(VENV)/.runtime .env
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	$(BIN)/flask worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	GUNICORN_BIND=127.0.0.1:5000 $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: $(VENV)/.dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.dev
	$(BIN)/python bench/submit.py

# The respondent load as phones make it (bench/respondent.py); e.g. make bench-respondent BENCH_ARGS=--quick
.PHONY: bench-respondent
bench-respondent: $(VENV)/.dev
	$(BIN)/python bench/respondent.py $(BENCH_ARGS)

# The review page with 2.000 flagged responses (bench/review.py); e.g. make bench-review BENCH_ARGS="--database sqlite"
.PHONY: bench-review
bench-review: $(VENV)/.dev
	$(BIN)/python bench/review.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
