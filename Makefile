# Palisade — the two commands a newcomer needs are `make run` and `make test` (see README.md).

SWIFT ?= swift
# Debian packages the build links against; scripts/install-system-packages installs the missing ones.
SYSTEM_PACKAGES := libsqlite3-dev libpcre2-dev libicu-dev libvectorscan-dev pkg-config sqlite3 tmux

# The Python peers the interoperability tests run against, pinned in their requirements file.
VENV := .venv
PEERS := Tests/InteropTests/peers/requirements.txt
# bovine-herd, the real third-party server of the interoperability tests, in a virtualenv of its own.
BOVINE_VENV := .venv-bovine
BOVINE_PEERS := Tests/InteropTests/peers/bovine-requirements.txt

.PHONY: run test build build-tests release bench deps clean

## run: install what is missing, build, and serve on the embedded defaults (./data, 127.0.0.1:8080, ./rules)
run: build
	.build/debug/palisade serve

## test: install what is missing, build, and run the whole test suite
test: build-tests $(VENV)/.installed $(BOVINE_VENV)/.installed
	PALISADE_PYTHON=$(CURDIR)/$(VENV)/bin/python PALISADE_BOVINE_PYTHON=$(CURDIR)/$(BOVINE_VENV)/bin/python $(SWIFT) test --disable-xctest

deps:
	@scripts/install-system-packages $(SYSTEM_PACKAGES)

build: deps
	$(SWIFT) build --product palisade

build-tests: deps
	$(SWIFT) build --build-tests

$(VENV)/.installed: $(PEERS)
	@command -v python3 >/dev/null || { echo "error: python3 is needed for the interoperability tests (apt-get install python3 python3-venv)" >&2; exit 1; }
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r $(PEERS)
	touch $@

# pyld 3.3.0 goes beside bovine (--no-deps, its own folder) for its bundled JSON-LD contexts: nothing can be fetched.
$(BOVINE_VENV)/.installed: $(BOVINE_PEERS)
	@command -v python3 >/dev/null || { echo "error: python3 is needed for the interoperability tests (apt-get install python3 python3-venv)" >&2; exit 1; }
	python3 -m venv $(BOVINE_VENV)
	$(BOVINE_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(BOVINE_PEERS)
	$(BOVINE_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --target $(BOVINE_VENV)/pyld-3.3.0 pyld==3.3.0
	touch $@

## release: an optimised build at .build/release/palisade
release: deps
	$(SWIFT) build -c release --product palisade

## bench: release build, then every benchmark with its comparison (figures go in BENCHMARKS.md)
bench: release
	.build/release/palisade bench signatures
	.build/release/palisade bench inbox
	.build/release/palisade bench delivery
	.build/release/palisade bench rules
	.build/release/palisade bench queue
	.build/release/palisade bench decisions
	.build/release/palisade bench tui
	.build/release/palisade bench soak --minutes 10

clean:
	rm -rf .build $(VENV) $(BOVINE_VENV)
