#!/bin/sh
# One-shot: create the replica set's internal-auth keyfile in the shared volume, once.
# mongod refuses a keyfile readable by group/others, and runs as uid 999 (mongodb) in
# the official image: a bind-mounted host file rarely has that owner, hence a volume.
set -eu
# KEYFILE is overridable for tests; the Compose service uses the default.
KEYFILE="${KEYFILE:-/keyfile/keyfile}"
if [ -s "$KEYFILE" ]; then
  echo "keyfile already present"
else
  umask 077
  # 756 random bytes -> 1008 base64 characters (mongod accepts 6..1024, base64 set only).
  head -c 756 /dev/urandom | base64 | tr -d '\n' > "$KEYFILE"
  echo "keyfile created"
fi
chown 999:999 "$KEYFILE"
chmod 400 "$KEYFILE"
