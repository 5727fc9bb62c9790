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
# -n: fail at once rather than wait for a password nobody will type.
[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
echo "Installing Debian's chromium for the Sandbox tests" >&2
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y chromium
# Some distributions install a stub (Ubuntu's snap wrapper) elsewhere.
if [ ! -x /usr/bin/chromium ]; then
  echo 'chromium was installed, but not at /usr/bin/chromium, where the Sandbox tests look for it.' >&2
  exit 1
fi
