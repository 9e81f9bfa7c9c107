#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing.
# postgresql: the store tests start a throwaway server of their own (initdb + pg_ctl from
# /usr/lib/postgresql/*/bin); nothing is configured system-wide.
set -euo pipefail
needed=(postgresql)
missing=()
for pkg in "${needed[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
