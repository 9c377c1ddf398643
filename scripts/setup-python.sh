#!/usr/bin/env bash
# Project-local Python virtualenv for the Python peers proofline is tested and measured
# against: the real Airbyte connector `source-faker` and the `jsonschema` validator.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
