#!/bin/sh
# Install a Chromium for Playwright when none is found: Debian's packages when we are root with apt, else
# Playwright's own download. Says exactly what to do when neither works.
#
# Headless runs prefer Chromium's headless shell (a third less CPU and memory than the full browser, the one
# Playwright itself launches headless); headed runs need the full browser. Both are installed when we can.
set -u
BIN=${BIN:-.venv/bin}
found() { "$BIN/python" -m agent.core.browser "$@" >/dev/null 2>&1; }
as_root_with_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }

found --headless-shell && exit 0
if found; then
  # A full Chromium only: it works. Add the headless shell where that is quiet and safe (root with apt).
  if as_root_with_apt; then
    echo "Adding Chromium's headless shell (faster headless runs)..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1; } \
      || echo "(chromium-headless-shell is not available here; the full Chromium is used)"
  else
    echo "hint: headless runs are faster with Chromium's headless shell: sudo apt-get install chromium-headless-shell"
  fi
  exit 0
fi
if as_root_with_apt; then
  echo "No Chromium found: installing Debian's chromium and its headless shell (and CJK fonts for Chinese pages)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 \
    || echo "(chromium-headless-shell is not available here; the full Chromium is used)"
elif [ -x "$BIN/playwright" ]; then
  echo "No Chromium found: trying 'playwright install chromium' (it brings the headless shell too)..."
  "$BIN/playwright" install chromium
fi
if ! found; then
  "$BIN/python" -m agent.core.browser
  echo "Could not install a browser automatically. Install Chromium (Debian/Ubuntu: sudo apt-get install -y chromium chromium-headless-shell)" >&2
  echo "or run '$BIN/playwright install chromium' on a machine with internet, then run make again." >&2
  exit 1
fi
