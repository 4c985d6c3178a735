# Convene: `make run` serves a demo network on http://127.0.0.1:8000, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: install run run-scaled demo test test-sqlite test-pg test-browser lint format messages check-deploy bench clean

$(BIN)/.installed: pyproject.toml requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

install: $(BIN)/.installed

# Collected (and compressed) again only when a static file or the installed packages change.
STATIC_SOURCES := $(shell find convene -path '*/static/*' -type f 2>/dev/null)
var/static/staticfiles.json: $(BIN)/.installed $(STATIC_SOURCES)
	$(BIN)/convene collectstatic --noinput -v0 --ignore "redoc*"
	touch $@

run: install var/static/staticfiles.json
	$(BIN)/convene migrate --noinput -v0
	$(BIN)/convene demo --if-empty
	HOST=$(HOST) PORT=$(PORT) $(BIN)/convene serve

# The production topology on this machine: PostgreSQL (database `convene`), Redis for the cache,
# the task queue and the API rate limits, WEB_WORKERS granian processes and HUEY_PROCESSES Huey
# consumers (only the first schedules the periodic tasks). See the Procfile for separate services.
SCALED_DB      ?= postgres://postgres@127.0.0.1:5432/convene
REDIS          ?= redis://127.0.0.1:6379
WEB_WORKERS    ?= 2
HUEY_PROCESSES ?= 2
SCALED_ENV = DATABASE_URL=$(SCALED_DB) REDIS_URL=$(REDIS)/0 HUEY_REDIS_URL=$(REDIS)/1
run-scaled: install var/static/staticfiles.json
	createdb -h 127.0.0.1 -U postgres convene 2>/dev/null || true
	$(SCALED_ENV) $(BIN)/convene migrate --noinput -v0
	$(SCALED_ENV) $(BIN)/convene demo --if-empty
	$(SCALED_ENV) HOST=$(HOST) PORT=$(PORT) $(BIN)/convene serve --workers $(WEB_WORKERS) \
	  --huey-processes $(HUEY_PROCESSES)

demo: install
	$(BIN)/convene migrate --noinput -v0
	$(BIN)/convene demo

# The whole suite on SQLite, browser tests included (they skip, saying why, where Chromium is missing).
test: install
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test-sqlite: test

test-pg: install
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n auto $(PYTEST_ARGS)

test-browser: install
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	cd convene && ../$(BIN)/django-admin makemessages -l fr -l es -l pt -l da --no-obsolete \
	  --settings=convene.settings --pythonpath=.. -i "*/tests/*" -i "locale/*"
	cd convene && ../$(BIN)/django-admin compilemessages --settings=convene.settings --pythonpath=.. -i "*/tests/*"

# Production mode with a throw-away random key: every check --deploy warning fails the target.
check-deploy: install
	CONVENE_ENV=production DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=convene.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

bench: install
	$(BIN)/python bench/directory.py

# Logged-in members browsing the directory, groups and pages (locust), on the same database; bounded in time.
.PHONY: bench-load
bench-load: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) var staticfiles
