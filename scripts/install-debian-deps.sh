#!/usr/bin/env bash
# Installs the Debian packages the kiosk and its tests need. Idempotent: installs only what is missing.
set -euo pipefail
PKGS=(
  python3-venv python3-dev build-essential
  pcscd libpcsclite-dev swig pcsc-tools vsmartcard-vpcd
  libusb-1.0-0
  xvfb xauth
  postgresql
  espeak-ng
  # web: browser tests and screenshots drive Debian's chromium (Playwright, executable_path=/usr/bin/chromium;
  # never a downloaded browser), Selenium users get chromium-driver
  chromium chromium-driver
  fonts-noto-core
  libgl1 libglib2.0-0 libegl1 libxkbcommon0 libxkbcommon-x11-0 libdbus-1-3 libfontconfig1
  # the kiosk under cage (tests/ui/test_cage.py runs it headless): PySide6's Wayland plugin needs
  # libwayland-cursor0 ("Could not load the Qt platform plugin" without it); Debian's cage
  # refuses to start without the Xwayland binary
  cage xwayland libwayland-cursor0 libwayland-client0 libwayland-egl1
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-xinerama0 libxcb-image0
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian packages: all present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "debian packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
