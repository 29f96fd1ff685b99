# make lab   set up (.venv, Graphviz) and open the course in JupyterLab
# make test  set up and run the whole test suite (unit, archives, engine, notebooks, browser)

VENV ?= .venv
PYTEST_ARGS ?=

.PHONY: lab test setup-lab setup-test bench clean

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

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
