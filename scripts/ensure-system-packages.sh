#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing.
# Nothing to install yet for the parser and code tables; PostgreSQL and Chromium join this list
# with the storage and web issues.
set -euo pipefail
needed=()
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
