#!/usr/bin/env bash
# Installs RingCentral's client SDKs and bot framework used by the compatibility scenarios, inside
# the repository only: tests/clients/js/node_modules and tests/clients/chatbot/node_modules (npm ci)
# and tests/clients/python/.deps (pip --target), and moto's S3-compatible server into
# tests/clients/s3/.deps (pip --target) for the S3 blob store's tests.
# Does nothing when they are already installed from the current lock/requirements files.
set -euo pipefail
cd "$(dirname "$0")"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "install.sh: $1 is required ($2)" >&2; exit 1; }
}

# JavaScript: @ringcentral/sdk and friends, exactly as package-lock.json says.
if ! cmp -s js/package-lock.json js/node_modules/.installed-from; then
  need npm "Debian: apt-get install nodejs npm"
  echo "installing JavaScript client SDKs into tests/clients/js/node_modules"
  (cd js && npm ci --no-audit --no-fund --loglevel=error)
  cp js/package-lock.json js/node_modules/.installed-from
fi

# RingCentral's bot framework (ringcentral-chatbot-core), exactly as chatbot/package-lock.json says.
if ! cmp -s chatbot/package-lock.json chatbot/node_modules/.installed-from; then
  need npm "Debian: apt-get install nodejs npm"
  echo "installing ringcentral-chatbot-core into tests/clients/chatbot/node_modules"
  (cd chatbot && npm ci --no-audit --no-fund --loglevel=error)
  cp chatbot/package-lock.json chatbot/node_modules/.installed-from
fi

# Python: PyPI ringcentral and its dependencies, into a local folder (nothing global changes).
if ! cmp -s python/requirements.txt python/.deps/.installed-from; then
  need python3 "Debian: apt-get install python3"
  python3 -m pip --version >/dev/null 2>&1 || { echo "install.sh: pip is required (Debian: apt-get install python3-pip)" >&2; exit 1; }
  echo "installing Python client SDK into tests/clients/python/.deps"
  rm -rf python/.deps
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --disable-pip-version-check --no-input --quiet \
    --target python/.deps -r python/requirements.txt
  cp python/requirements.txt python/.deps/.installed-from
fi

# moto's S3-compatible server (the S3 blob store's tests start it on a loopback port).
if ! cmp -s s3/requirements.txt s3/.deps/.installed-from; then
  need python3 "Debian: apt-get install python3"
  echo "installing moto's S3 server into tests/clients/s3/.deps"
  rm -rf s3/.deps
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --disable-pip-version-check --no-input --quiet \
    --target s3/.deps -r s3/requirements.txt
  cp s3/requirements.txt s3/.deps/.installed-from
fi
