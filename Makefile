# make lab   set up (.venv, Graphviz) and open the course in JupyterLab
# make test  set up and run the whole test suite (unit, archives, engine, notebooks, browser)
# make lite  set up (downloads), then build the course as a JupyterLite site, offline, into
#            build/lite/site: serve it with any static web server (scripts/lite says how)
# make lite-test  build it and open notebooks 00, 02 and 04 in it with headless Chromium
# make fuzz  a longer layerlab fuzz than CI's against $DOCKER_HOST (an engine it may fill):
#            make fuzz FUZZ_RUNS=500 FUZZ_SEED=7 DOCKER_HOST=unix:///tmp/lld-x/docker.sock

VENV ?= .venv
PYTEST_ARGS ?=
FUZZ_RUNS ?= 400
FUZZ_SEED ?= $(shell date +%s)
FUZZ_KEEP ?= scenarios/found

.PHONY: lab test lite lite-test setup-lab setup-test setup-lite bench fuzz clean

lab: setup-lab
	$(VENV)/bin/jupyter lab notebooks/00-start-here.ipynb

test: setup-test
	$(VENV)/bin/python -m pytest --nbval --nbval-sanitize-with tests/nbval-sanitize.cfg tests notebooks $(PYTEST_ARGS)

lite: setup-lite
	$(VENV)/bin/python scripts/lite build

lite-test: lite
	LAYERLAB_REQUIRE_BROWSER=1 $(VENV)/bin/python -m pytest tests/lite -m browser -p no:cacheprovider $(PYTEST_ARGS)

setup-lite:
	scripts/setup lite

setup-lab:
	scripts/setup lab

setup-test:
	scripts/setup test

bench: setup-test
	$(VENV)/bin/python benchmarks/read_archive.py

fuzz: setup-test
	$(VENV)/bin/layerlab fuzz --runs $(FUZZ_RUNS) --seed $(FUZZ_SEED) --keep $(FUZZ_KEEP)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
