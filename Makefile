# The two commands in the README: `make run` (local server + CLI on the bundled samples) and
# `make test` (the whole suite). Both set up .venv first (infra/setup.sh is idempotent and fast
# when nothing changed). Other targets are conveniences for developers.
PY := .venv/bin/python
PORT ?= 3000
export PYTHONPATH := shared

.PHONY: setup run analyze-samples serve test lint eval bench openapi samples sam-validate clean

setup:
	@bash infra/setup.sh

run: setup analyze-samples serve

analyze-samples:
	@mkdir -p build
	$(PY) infra/cli.py analyze samples/ --out build/samples-results.jsonl

serve:
	$(PY) infra/cli.py serve --port $(PORT)

test: setup
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check .
	$(PY) -m mypy

eval: setup
	$(PY) infra/eval_white_background.py

bench: setup
	$(PY) infra/bench_white_background.py

# Psoriasis handler vs the plain RapidOCR() pipeline on the kit's photos and the held-out set (~4 min).
.PHONY: bench-psoriasis
bench-psoriasis: setup
	$(PY) infra/bench_psoriasis.py

# Keyword (炒信) recall/precision (generates build/datasets/keyword when missing) and speed vs RapidOCR().
.PHONY: eval-keyword bench-keyword
eval-keyword: setup
	$(PY) infra/eval_keyword.py

bench-keyword: setup
	$(PY) infra/bench_keyword.py

# Psoriasis: ROC-AUC, accuracy, calibration (+ reliability chart) through the handler on the held-out
# generated set and the kit (~3 min); train-psoriasis reproduces the committed weights (~15 min);
# compare-psoriasis trains variants of the recipe on the same measurements (1-3 min a variant after training).
.PHONY: eval-psoriasis train-psoriasis compare-psoriasis
eval-psoriasis: setup
	$(PY) infra/eval_psoriasis.py

train-psoriasis: setup
	$(PY) infra/train_psoriasis.py

compare-psoriasis: setup
	$(PY) infra/compare_psoriasis_training.py

openapi: setup
	$(PY) infra/gen_openapi.py

samples: setup
	$(PY) infra/datasets/gen_samples.py

sam-validate: setup
	.venv/bin/sam validate --lint --template template.yaml

# The upload path without AWS (infra/local_bucket.py): files in WATCH go into a local moto "bucket",
# each API's real handler answers through EventBridge -> SQS, results land in build/local-results/.
# `make bucket WATCH=inbox/ ONCE=` keeps watching the folder instead of exiting once it is drained.
.PHONY: bucket
WATCH ?= samples/
ONCE ?= --once
bucket: setup
	$(PY) infra/local_bucket.py --watch $(WATCH) --results build/local-results/ $(ONCE)

clean:
	rm -rf build .aws-sam .pytest_cache .mypy_cache .ruff_cache
