# make lab   set up (.venv, Graphviz) and open the course in JupyterLab
# make test  set up and run the whole test suite (unit, archives, engine, notebooks, browser)
# make fuzz  a longer layerlab fuzz than CI's against $DOCKER_HOST (an engine it may fill):
#            make fuzz FUZZ_RUNS=500 FUZZ_SEED=7 DOCKER_HOST=unix:///tmp/lld-x/docker.sock

VENV ?= .venv
PYTEST_ARGS ?=
FUZZ_RUNS ?= 400
FUZZ_SEED ?= $(shell date +%s)
FUZZ_KEEP ?= scenarios/found

.PHONY: lab test setup-lab setup-test bench fuzz clean

lab: setup-lab
	$(VENV)/bin/jupyter lab notebooks/00-start-here.ipynb

test: setup-test
	$(VENV)/bin/python -m pytest --nbval --nbval-sanitize-with tests/nbval-sanitize.cfg tests notebooks $(PYTEST_ARGS)

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
