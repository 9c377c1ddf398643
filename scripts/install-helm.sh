#!/usr/bin/env bash
# Helm for the chart's CI checks (helm lint / helm template), built from the Go module
# proxy at a pinned version into the project's tools folder. Nothing is downloaded as a
# binary: `go install` compiles it (a few minutes on a small machine, once).
set -euo pipefail
cd "$(dirname "$0")/.."
HELM_VERSION="v4.3.2"
BIN="${PROOFLINE_TOOLS_BIN:-$PWD/.tools/bin}"
STAMP="$BIN/helm.version"
if [ -x "$BIN/helm" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$HELM_VERSION" ]; then
  echo "helm $HELM_VERSION already in $BIN"
  exit 0
fi
mkdir -p "$BIN"
echo "building helm $HELM_VERSION with Go into $BIN (first run only)"
GOBIN="$BIN" GOFLAGS=-mod=mod go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"
echo "$HELM_VERSION" > "$STAMP"
