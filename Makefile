# Almagest — the two commands a new user runs are `make demo` and `make test`.
# Both install missing Debian packages (OpenBLAS, LAPACKE, zlib, SQLite, pkg-config) first;
# `make test` also installs Chromium for the dashboard's browser tests and Slurm + munge for the
# sweep tests (which start a one-node cluster with scripts/slurm-local.sh).
SWIFT ?= swift

# OpenBLAS 0.3.21 does not recognise Sapphire Rapids and uses its Haswell kernels; its AVX-512
# (SkylakeX) kernels are twice as fast for SGEMM here. It reads this before main, so set it here.
ifeq ($(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && grep -qw avx512bw /proc/cpuinfo && echo yes),yes)
export OPENBLAS_CORETYPE ?= SkylakeX
endif

.PHONY: deps demo test bench build clean

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product almagest

demo: deps
	$(SWIFT) run -c release almagest demo

test: deps
	@bash scripts/install-deps.sh --browser --slurm
	$(SWIFT) test

bench: deps
	$(SWIFT) run -c release almagest-bench

clean:
	rm -rf .build
