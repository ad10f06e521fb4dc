# syntax=docker/dockerfile:1
#
# consentproxy container image. See docs/deploy.md.
#
#   docker build --platform linux/amd64 -t consentproxy .                  # embedded ClickHouse (chDB), the default
#   docker build --target server -t consentproxy:server .                  # clickhouse:// or none store only, any arch
#
# Stages:
#   build   the Go binary, CGO_ENABLED=0: store/chdb loads libchdb.so at run
#           time with purego's dlopen, so no C toolchain is needed; the binary
#           is still dynamically linked against glibc (libc, libdl, libpthread)
#           and so needs a glibc base, not scratch or distroless/static.
#   chdb    libchdb.so, fetched and verified by scripts/fetch-chdb.sh, which
#           alone holds the pinned package version and sha256s. linux/amd64
#           only: the pinned package is the linux-x64-gnu build.
#   server  distroless glibc base, non-root, the binary only (30 MB of it).
#   (last)  server plus libchdb.so (566 MB): the default target.

ARG GO_VERSION=1.26.8
ARG NODE_VERSION=22

FROM docker.io/library/golang:${GO_VERSION}-bookworm AS build
# What `consentproxy version` reports: docker build --build-arg VERSION=v1.2.3
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.buildVersion=${VERSION}" -o /out/consentproxy ./cmd/consentproxy
# The volume's mount point, owned by the runtime user (distroless nonroot,
# 65532): a fresh named volume takes this ownership, so the proxy can create
# its secret, spool and database there.
RUN mkdir -p /out/data && chown 65532:65532 /out/data && chmod 0700 /out/data

FROM docker.io/library/node:${NODE_VERSION}-bookworm-slim AS chdb
WORKDIR /src
COPY scripts/fetch-chdb.sh scripts/fetch-chdb.sh
# The script prints the library's path; it verifies the npm tarball and the
# library against its pins and fails the build on any mismatch.
RUN CONSENTPROXY_CHDB_DIR=/out/chdb scripts/fetch-chdb.sh && rm -f /out/chdb/libchdb.so.stamp

FROM gcr.io/distroless/base-debian12:nonroot AS server
COPY --from=build /out/consentproxy /consentproxy
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
# Every flag is also CONSENTPROXY_<FLAG>: set here rather than on the
# command line so that `docker run IMAGE migrate`, `privacy-notice` and
# --check-config see the same data directory, and an operator's -e wins.
ENV CONSENTPROXY_DATA_DIR=/data \
    CONSENTPROXY_LISTEN=:8080 \
    CONSENTPROXY_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
# Distroless has no shell, curl or wget: the binary probes itself.
# `consentproxy healthcheck` GETs http://127.0.0.1:<port of
# CONSENTPROXY_LISTEN>/healthz and exits 0 on 200 (so change the port with
# -e CONSENTPROXY_LISTEN, not with a --listen argument, or the probe misses).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/consentproxy", "healthcheck"]
# SIGTERM drains the forward queue and writes the last aggregates within
# --drain-timeout (10s): give `docker stop` more than that (-t 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/consentproxy"]

FROM server
COPY --from=chdb /out/chdb/libchdb.so /usr/local/lib/chdb/libchdb.so
ENV CONSENTPROXY_CHDB_LIB=/usr/local/lib/chdb/libchdb.so
