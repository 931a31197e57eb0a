# Almagest — the two commands a new user runs are `make demo` and `make test`.
# Both install missing Debian packages (OpenBLAS, LAPACKE, zlib, SQLite, pkg-config) first;
# `make test` also installs Chromium for the dashboard's browser tests.
SWIFT ?= swift

.PHONY: deps demo test bench build clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product almagest

demo: deps
	$(SWIFT) run -c release almagest demo

test: deps
	@bash scripts/install-deps.sh --browser
	$(SWIFT) test

bench: deps
	$(SWIFT) run -c release almagest-bench

clean:
	rm -rf .build
