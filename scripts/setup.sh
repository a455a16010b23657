#!/usr/bin/env bash
# Installs every Debian and npm package Clearline needs. Idempotent; safe to
# re-run. Needs root on Debian 12 (bookworm). Skips apt when all are present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache git jq
  libre-dev librem-dev libspandsp-dev
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libboost1.74-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
  libspdlog-dev libfmt-dev libphonenumber-dev libicu-dev libhowardhinnant-date-dev tzdata
  libssl-dev libargon2-dev libgtest-dev libgmock-dev libbenchmark-dev
  baresip-core espeak-ng sox chromium nodejs wrk
  clang clang-14 libclang-rt-14-dev
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#APT_PACKAGES[@]} Debian packages present"
fi

# npm packages for the web front end and the browser tests (exact versions in package-lock.json).
if [[ -f web/package.json ]]; then
  if [[ ! -d web/node_modules ]] || [[ web/package-lock.json -nt web/node_modules ]]; then
    echo "setup: npm ci in web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
if [[ -f tests/browser/package.json ]]; then
  if [[ ! -d tests/browser/node_modules ]] || [[ tests/browser/package-lock.json -nt tests/browser/node_modules ]]; then
    echo "setup: npm ci in tests/browser/"
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: done"
