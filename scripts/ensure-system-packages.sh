#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing.
# postgresql: the store tests start a throwaway server of their own (initdb + pg_ctl from
# /usr/lib/postgresql/*/bin); nothing is configured system-wide.
# chromium: the web app's browser tests drive Debian's headless Chromium through Playwright
# (executable_path=/usr/bin/chromium; Playwright's own browser download is not used).
# fonts-dejavu-core: the font letter PDFs are set in, so every name prints as written.
set -euo pipefail
needed=(postgresql chromium fonts-dejavu-core)
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
