PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432/massline
HOST ?= 127.0.0.1
PORT ?= 8000
# provinces whose towns regions.json carries (make regions PROVINCES=420000,430000)
PROVINCES ?= 420000
# Development mode (plain HTTP, development key) for the demo, lint and tests; see docs/SECURITY.md.
export MASSLINE_DEV ?= 1

.PHONY: demo test test-sqlite test-postgres lint bench bench-analysis venv regions assets clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/massline migrate --noinput
	$(BIN)/massline collectstatic --noinput --verbosity 0
	$(BIN)/massline demo
	@echo "网上群众路线 demo: http://$(HOST):$(PORT)/  (API 文档 /api/docs，管理后台 /admin/)"
	@echo "后台任务（提醒、超期、自动办结、考核台账）由 massline worker 在旁运行。"
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/massline worker & worker=$$!; \
	$(BIN)/massline runserver $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/typecheck.py
	$(BIN)/massline makemigrations --check --dry-run

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL MASSLINE_ARTIFACTS=var/artifacts/sqlite $(BIN)/pytest

test-postgres: $(STAMP)
	@if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
		echo "== test suite on PostgreSQL (127.0.0.1:5432) =="; \
		DATABASE_URL=$(PG_URL) MASSLINE_ARTIFACTS=var/artifacts/postgres $(BIN)/pytest ; \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL at 127.0.0.1:5432 does not answer, and CI requires it" >&2; exit 1; \
	else \
		echo "** SKIPPED: PostgreSQL at 127.0.0.1:5432 does not answer; the suite ran on SQLite only **"; \
	fi

# The two databases' runs are independent: side by side, one per core, each's output kept whole.
test: lint
	@$(MAKE) --no-print-directory -j2 -O test-sqlite test-postgres

bench: bench-analysis
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/rollup.py

# Every figure of the analysis engine beside its reference, in one run (reads ../shared/data).
bench-analysis: $(STAMP)
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/places.py
	$(BIN)/python bench/topics.py
	$(BIN)/python bench/duplicates.py
	$(BIN)/python bench/replies.py
	$(BIN)/python bench/urgency.py
	$(BIN)/python bench/opinion_map.py

regions:
	$(PY) scripts/build_regions.py --provinces $(PROVINCES)

# htmx, ECharts and axe-core from the npm registry (pinned in assets/package-lock.json) into
# massline/core/static/vendor/; the output is committed, so only this target needs Node.
assets:
	cd assets && npm ci --ignore-scripts --no-audit --no-fund
	node assets/build.mjs

clean:
	rm -rf $(VENV) var
