#!/usr/bin/env bash
# Installs the Debian packages that the tests and benches need (README, "Tests").
# Idempotent: when everything is already installed it only runs dpkg-query and exits.
set -euo pipefail

PACKAGES=(
  xvfb               # Xvfb: the X display the Capture Client records in system tests
  x11-xserver-utils  # xsetroot: paints the root window with known colours
  x11-utils          # xdpyinfo: tells when a display answers
  xdotool            # drives windows in benches
  libgtk-3-0         # java.awt.Robot is ~3x faster through GTK3 (-Djdk.gtk.version=3)
  postgresql         # PostgreSQL server for database tests
  chromium           # headless browser for replay UI tests
  chromium-driver    # chromedriver for Selenium
  ffmpeg             # x11grab, for benches comparing with a plain screen recorder
)

missing=()
for p in "${PACKAGES[@]}"; do
  # "ii" = wanted install, installed ok; anything else (absent, config-files only, half-installed) counts as missing
  if [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)" != ii* ]]; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  echo "install-deps: missing ${missing[*]}; not root and no sudo, install them by hand" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
