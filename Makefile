# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates (or reuses) the virtualenv at .venv/ and installs the hashed pins of requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: demo test serve bench-html bench-polnear bench-throughput clean lock

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/onrecord ingest examples/articles --manifest examples/articles/manifest.jsonl --db $(DEMO_DB)
	$(BIN)/onrecord demo --db $(DEMO_DB)

serve: $(STAMP)
	test -f $(DEMO_DB) || $(MAKE) demo
	$(BIN)/onrecord serve --db $(DEMO_DB)

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench-html: $(STAMP)
	$(BIN)/python bench/html_extraction.py ../shared/corpus/article_extraction

bench-polnear: $(STAMP)
	$(BIN)/python -m pip install --quiet "textacy>=0.13,<0.14"
	$(BIN)/python bench/polnear.py ../shared/corpus/polnear --split dev

bench-throughput: $(STAMP)
	$(BIN)/python -c "import psutil" 2>/dev/null || $(BIN)/python -m pip install --quiet psutil
	$(BIN)/python -m pip install --quiet "textacy>=0.13,<0.14"
	$(BIN)/python bench/throughput.py ../shared/corpus --n 2000 --jobs 2 --selective

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra web --extra test --extra spark --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache build src/*.egg-info
