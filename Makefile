# The two commands a newcomer needs: `make site` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: site test test-fast lint bench golden docs screenshots clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,zensical]'  # both engines are tested
	touch $@

site: $(BIN)/.installed  ## validate and build every example client into site/
	$(BIN)/milepost validate --projects projects
	$(BIN)/milepost build --projects projects --out site

# The suite runs on every core (pytest-xdist), a test file to a worker: a file's tests share
# what its module fixtures built, and each worker builds the shared example sites once.
test: $(BIN)/.installed  ## lint, check the type hints and run the test suite
	$(BIN)/ruff check generator tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n auto --dist loadfile

test-fast: $(BIN)/.installed  ## lint and run the fast tier: no processes, MkDocs, browser or servers
	$(BIN)/ruff check generator tests bench
	$(BIN)/python -m pytest -q -m "not slow"

bench: $(BIN)/.installed  ## Milepost's own cost on top of MkDocs, and how it scales (bench/RESULTS.md)
	$(BIN)/python bench/run.py

docs: $(BIN)/.installed  ## build the documentation site into docs/site/ (strict: a warning fails)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --config-file docs/mkdocs.yml

# The browser test that takes the docs' screenshots writes them into the docs only when asked.
screenshots: $(BIN)/.installed  ## retake the docs' screenshots (docs/pages/images/) from the example clients
	MILEPOST_SCREENSHOTS=docs/pages/images $(BIN)/python -m pytest -q -rs tests/test_browser_screenshots.py

golden: $(BIN)/.installed  ## regenerate the golden Markdown of the example client
	$(BIN)/python -m tests.golden

.PHONY: reference
reference: $(BIN)/.installed  ## regenerate the docs' reference pages (fields, commands, messages)
	$(BIN)/python -m generator.reference

clean:
	rm -rf site $(VENV)
