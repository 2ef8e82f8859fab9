# Palisade — the two commands a newcomer needs are `make run` and `make test` (see README.md).

SWIFT ?= swift
# Debian packages the build links against; scripts/install-system-packages installs the missing ones.
SYSTEM_PACKAGES := libsqlite3-dev libpcre2-dev libicu-dev libvectorscan-dev libssl-dev pkg-config sqlite3 tmux systemd

# The Python peers the interoperability tests run against, pinned in their requirements file.
VENV := .venv
PEERS := Tests/InteropTests/peers/requirements.txt
# bovine-herd, the real third-party server of the interoperability tests, in a virtualenv of its own.
BOVINE_VENV := .venv-bovine
BOVINE_PEERS := Tests/InteropTests/peers/bovine-requirements.txt

.PHONY: run test build build-tests release install bench deps clean fuzz fuzz-build

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

# Where `make install` puts the program (PREFIX=/usr/local: /usr/local/bin/palisade); DESTDIR for packaging.
PREFIX ?= /usr/local

## install: the release build at $(PREFIX)/bin/palisade, the README at $(PREFIX)/share/doc/palisade
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/doc/palisade
	install -m 0755 .build/release/palisade $(DESTDIR)$(PREFIX)/bin/palisade
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/palisade/README.md

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

## fuzz: build the libFuzzer targets in Fuzz/ and run each for FUZZ_RUNS inputs over its corpus in fixtures/fuzz/
## (FUZZ_TARGETS picks some; not part of `make test`). The corpus grows with what finds new coverage, then is merged
## back to a minimal set; a crashing input is left in .build-fuzz/artifacts/TARGET/. Inputs that once crashed or hung
## stay in fixtures/fuzz/regressions/TARGET/, read on every run and never merged away.
FUZZ_RUNS ?= 100000
FUZZ_TARGETS ?= activitystreams http-signatures mastodon-webhook rules
FUZZ_BUILD := .build-fuzz
FUZZ_FLAGS = -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
# target → executable in Fuzz/Package.swift, and the longest input worth trying.
FUZZER_activitystreams := FuzzActivityStreams
FUZZER_http-signatures := FuzzHTTPSignatures
FUZZER_mastodon-webhook := FuzzMastodonWebhook
FUZZER_rules := FuzzRules
MAX_LEN_activitystreams := 16384
MAX_LEN_http-signatures := 4096
MAX_LEN_mastodon-webhook := 16384
MAX_LEN_rules := 4096

fuzz-build:
	$(SWIFT) build --package-path Fuzz -c release --scratch-path $(FUZZ_BUILD) -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library

fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))

fuzz-%: fuzz-build
	@test -n "$(FUZZER_$*)" || { echo "error: no fuzz target '$*' (one of: activitystreams http-signatures mastodon-webhook rules)" >&2; exit 2; }
	@mkdir -p $(FUZZ_BUILD)/artifacts/$* && rm -rf $(FUZZ_BUILD)/merged/$* && mkdir -p $(FUZZ_BUILD)/merged/$*
	@echo "== fuzz $*: $(FUZZ_RUNS) runs, max_len $(MAX_LEN_$*), corpus fixtures/fuzz/$*"
	$(FUZZ_BUILD)/release/$(FUZZER_$*) $(FUZZ_FLAGS) -runs=$(FUZZ_RUNS) -max_len=$(MAX_LEN_$*) \
		-artifact_prefix=$(FUZZ_BUILD)/artifacts/$*/ fixtures/fuzz/$* $(wildcard fixtures/fuzz/regressions/$*)
	@$(FUZZ_BUILD)/release/$(FUZZER_$*) -merge=1 -max_len=$(MAX_LEN_$*) $(FUZZ_BUILD)/merged/$* fixtures/fuzz/$* 2>&1 | tail -n 1
	@if [ -n "$$(ls $(FUZZ_BUILD)/merged/$*)" ]; then rm -f fixtures/fuzz/$*/* && cp $(FUZZ_BUILD)/merged/$*/* fixtures/fuzz/$*/; fi
	@echo "== $* corpus: $$(ls fixtures/fuzz/$* | wc -l) files, $$(cat fixtures/fuzz/$*/* | wc -c) bytes"

clean:
	rm -rf .build $(FUZZ_BUILD) $(VENV) $(BOVINE_VENV)
