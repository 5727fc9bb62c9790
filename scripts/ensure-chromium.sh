#!/usr/bin/env bash
# The Sandbox tests drive Debian's Chromium through playwright-core, which
# downloads no browser of its own; run before `npm test` (its pretest).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo 'The Sandbox tests need Chromium at /usr/bin/chromium: install it with your system package manager.' >&2
  exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "Installing Debian's chromium for the Sandbox tests" >&2
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y chromium
