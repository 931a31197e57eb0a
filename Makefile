# Almagest — the two commands a new user runs are `make demo` and `make test`.
# Both install missing Debian packages (OpenBLAS, LAPACKE, zlib, pkg-config) first.
SWIFT ?= swift

.PHONY: deps demo test bench build clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product almagest

demo: deps
	$(SWIFT) run -c release almagest demo

test: deps
	$(SWIFT) test

bench: deps
	$(SWIFT) run -c release almagest-bench

clean:
	rm -rf .build
