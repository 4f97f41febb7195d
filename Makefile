# Entry points for people and CI. Each target runs a script in scripts/,
# which installs what it needs into .venv first (scripts/bootstrap.sh).
# Extra arguments for a script: make units ARGS='-k retry'

SHELL := bash
ARGS ?=

.PHONY: demo test matrix sanity units integration emulator-tests release docs lint dist ee-context bench emulator clean

## demo: run the main job against the Graph emulator
demo:
	bash scripts/demo.sh $(ARGS)

## test: the whole test suite, as CI runs it
test:
	bash scripts/test.sh $(ARGS)

## matrix: sanity and unit tests for each other ansible-core / Python pairing README lists (.venv-<core>-py<python>)
matrix:
	bash scripts/test.sh matrix

## sanity: ansible-test sanity on a copy of the tree in build/
sanity:
	bash scripts/sanity.sh $(ARGS)

## units: unit tests (tests/unit)
units:
	bash scripts/units.sh $(ARGS)

## integration: ansible-playbook against the emulator (tests/integration)
integration:
	bash scripts/integration.sh $(ARGS)

## emulator-tests: the emulator's own tests (tests/emulator)
emulator-tests:
	bash scripts/emulator-tests.sh $(ARGS)

## release: artifact contents, EE build context, AWX-style runs through ansible-runner (tests/release)
release:
	bash scripts/release.sh $(ARGS)

## docs: lint the module and role documentation and re-render docs/reference/
docs:
	bash scripts/docs.sh $(ARGS)

## lint: ansible-lint with the production profile (.ansible-lint)
lint:
	bash scripts/lint.sh $(ARGS)

## dist: build the Galaxy artifact into build/dist/
dist:
	bash scripts/dist.sh $(ARGS)

## ee-context: execution environment build context for this checkout in build/ee/ (no container build)
ee-context:
	bash scripts/ee-context.sh $(ARGS)

## bench: benchmarks against the emulator (results under build/bench/)
bench:
	bash scripts/bench.sh $(ARGS)

## emulator: start the Graph emulator in the foreground
emulator:
	bash scripts/emulator.sh $(ARGS)

## clean: remove build/, test output and caches (ARGS=--all also removes .venv and the .venv-* of make matrix)
clean:
	bash scripts/clean.sh $(ARGS)
