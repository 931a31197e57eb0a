# syntax=docker/dockerfile:1
# Almagest in a container: `almagest serve` (the prediction server) and `almagest dashboard`.
# Stage 1 builds the release `almagest` product with the Swift toolchain; stage 2 is a slim
# Debian runtime with only the shared libraries the binary loads (OpenBLAS, LAPACKE, zlib, SQLite).
# See docs/how-to/serve-a-model.md. Build (BuildKit, the default builder): docker build -t almagest .
#
# OPENBLAS_CORETYPE is deliberately not set: OpenBLAS picks its kernels for the host CPU; set it
# at `docker run -e` only where you have measured that it helps (see the Makefile).

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libopenblas-dev liblapacke-dev zlib1g-dev libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
COPY . .
# .build lives in a BuildKit cache, so a rebuild after a source change is incremental; the binary
# and its resource bundles are copied out of it.
RUN --mount=type=cache,target=/build/.build \
    swift build -c release --product almagest --static-swift-stdlib \
 && mkdir -p /out \
 && cp "$(swift build -c release --show-bin-path)/almagest" /out/ \
 && cp -R "$(swift build -c release --show-bin-path)"/*.resources /out/

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libopenblas0 liblapacke zlib1g libsqlite3-0 libstdc++6 curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /home/almagest almagest \
 && mkdir -p /runs \
 && chown almagest:almagest /runs
# The binary and its resource bundles side by side (Bundle.module looks beside the executable).
COPY --from=build /out/ /opt/almagest/
ENV PATH="/opt/almagest:${PATH}"
USER almagest
WORKDIR /home/almagest
VOLUME ["/runs"]
EXPOSE 8080
# Inside a container the server must bind 0.0.0.0 to be reachable through a published port;
# publish it on the host's loopback (-p 127.0.0.1:8080:8080) unless others should reach it.
ENTRYPOINT ["almagest"]
CMD ["--help"]
