# Two commands do all the set-up:  `make lab` opens the course, `make test` runs every test.
# Both create the local environment (.venv) on first use and reuse it afterwards.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
BIOME  := node_modules/.bin/biome

.PHONY: lab present test lint format bench strip clean notebooks browser site soak

# lab-settings/overrides.json: JupyterLab's defaults for this course (no news or update prompt
# over the figures on first start); the user's own settings still apply on top.
lab: $(VENV)/.course
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks \
	  --LabApp.app_settings_dir=$(CURDIR)/lab-settings $(ROOT_FLAG)

# One notebook as an app for a projector, without code cells: make present NOTEBOOK=02
# (Voila, offline; the live views are the same modules JupyterLab runs).
NOTEBOOK ?= 02
present: $(VENV)/.course
	$(BIN)/voila $(firstword $(wildcard notebooks/$(NOTEBOOK)*.ipynb) $(NOTEBOOK)) \
	  --Voila.ip=127.0.0.1

test: $(VENV)/.test browser $(BIOME) site
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIOME) check
	$(BIN)/python -m pytest

# The course as a website in build/site (index.html): every notebook run and shown as a page, the
# widgets live without a kernel on numbers the engine precomputes. Offline: MathJax and plotly.js
# come from npm (node_modules). Rebuilds only when its sources changed.
# REPOSITORY=OWNER/NAME (on GitHub) adds "run it on Binder" links.
site: $(VENV)/.course $(BIOME)
	$(BIN)/python site/build.py $(if $(REPOSITORY),--repository $(REPOSITORY),)

# Run notebooks 02, 04 and 06 twenty times in JupyterLab; stop at the first empty or stale view.
soak: $(VENV)/.test browser
	$(BIN)/python tests/browser/soak.py 20

bench: $(VENV)/.bench
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_explorer.py
	$(BIN)/python benchmarks/bench_browser.py
	$(BIN)/python benchmarks/bench_site.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_budget.py

lint: $(VENV)/.test $(BIOME)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIOME) check --write

strip: $(VENV)/.test
	$(BIN)/nbstripout --keep-count notebooks/*.ipynb

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.course: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[course]'
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[course,test]'
	touch $@ $(VENV)/.course

$(VENV)/.bench: pyproject.toml $(VENV)/.test
	$(BIN)/python -m pip install --quiet -e '.[course,test,bench]'
	touch $@

# Biome (from npm, pinned in package-lock.json) formats and lints the widgets' and the website's
# JavaScript and CSS; the same npm ci installs MathJax and plotly.js for the website.
$(BIOME): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium; a test tool cannot download its own browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  { echo "Installing Debian's chromium for the browser tests"; \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }

clean:
	rm -rf $(VENV) node_modules test-artifacts .pytest_cache .ruff_cache .hypothesis

# Run every notebook, store its outputs, then strip all but the outputs nbval compares
# (cells tagged keep_output) and the widget state.
notebooks: $(VENV)/.test
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb
	$(BIN)/nbstripout --keep-count notebooks/*.ipynb

# A graded release in build/graded: the exercise notebooks ready for nbgrader (a course directory
# in build/graded/nbgrader) and otter-grader (build/graded/otter), with the student versions the
# graders write. The graders come with the grade extra (README: "For instructors"); make test
# installs it too, for the release's round trip through both graders.
.PHONY: graded
graded: $(VENV)/.grade
	$(BIN)/python -m rnnviz.release build/graded --assign

$(VENV)/.test: $(VENV)/.grade

$(VENV)/.grade: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[grade]'
	touch $@
