#!/bin/sh
# Entrypoint of proofline's Airbyte connector images: maps the image's connector
# (PROOFLINE_CONNECTOR, fixed at build time) onto the proofline CLI, passing Airbyte's
# verb and flags through unchanged (e.g. `read --config c.json --catalog k.json`).
set -eu
CLI="${PROOFLINE_CLI:-/airbyte/integration_code/dist/cli/main.js}"
case "${PROOFLINE_CONNECTOR:-}" in
  destination-mongodb) exec node "$CLI" destination mongodb "$@" ;;
  source-infoclimat|source-wunderground|source-files) exec node "$CLI" source "${PROOFLINE_CONNECTOR#source-}" "$@" ;;
  *) echo "proofline-connector: PROOFLINE_CONNECTOR must be source-infoclimat, source-wunderground, source-files or destination-mongodb (got '${PROOFLINE_CONNECTOR:-}')" >&2; exit 2 ;;
esac
