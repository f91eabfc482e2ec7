#!/bin/sh
# Install a Chromium for Playwright when none is found: Debian's package when we are root with apt,
# else Playwright's own download. Says exactly what to do when neither works.
set -u
BIN=${BIN:-.venv/bin}
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "No Chromium found: installing Debian's chromium (and CJK fonts for Chinese pages)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
elif [ -x "$BIN/playwright" ]; then
  echo "No Chromium found: trying 'playwright install chromium'..."
  "$BIN/playwright" install chromium
fi
if ! "$BIN/python" -m agent.core.browser >/dev/null 2>&1; then
  "$BIN/python" -m agent.core.browser
  echo "Could not install a browser automatically. Install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium)" >&2
  echo "or run '$BIN/playwright install chromium' on a machine with internet, then run make again." >&2
  exit 1
fi
