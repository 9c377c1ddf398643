#!/usr/bin/env bash
# MinIO, the S3-compatible server the S3 input tests run against, built from the Go module
# proxy at a pinned version into the project's tools folder (the tests start it on a free
# port with a temporary folder). Nothing is downloaded as a binary: `go install` compiles
# it, about 5 minutes on 2 cores the first time. MinIO is AGPL-3.0: it is only run here as
# an unmodified test server, never shipped or linked into proofline.
# MinIO tags its releases RELEASE.<date>, which the module proxy does not serve, so the pin
# is the pseudo-version of a commit on its main branch.
set -euo pipefail
cd "$(dirname "$0")/.."
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
BIN="${PROOFLINE_TOOLS_BIN:-$PWD/.tools/bin}"
STAMP="$BIN/minio.version"
if [ -x "$BIN/minio" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$MINIO_VERSION" ]; then
  echo "minio $MINIO_VERSION already in $BIN"
  exit 0
fi
mkdir -p "$BIN"
echo "building minio $MINIO_VERSION with Go into $BIN (first run only)"
GOBIN="$BIN" GOFLAGS=-mod=mod go install "github.com/minio/minio@$MINIO_VERSION"
echo "$MINIO_VERSION" > "$STAMP"
