#!/usr/bin/env bash
# The report's browser test drives Debian's Chromium (never a downloaded browser build).
# Fresh CI machines do not have it: install it from Debian's packages, once.
# The capture tests also need openssl (a throw-away TLS certificate) and script (a terminal).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
command -v openssl >/dev/null || missing+=(openssl)
command -v script >/dev/null || missing+=(bsdutils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "ensure-chromium: installing ${missing[*]} from Debian for the browser and capture tests" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
test -x /usr/bin/chromium
