#!/usr/bin/env bash
# Set up Reader from source on Debian/Ubuntu: system libraries Qt needs, a CJK
# font, and a virtual environment in .venv with Reader installed in it.
#   bash packaging/setup-dev.sh          # to run the app
#   bash packaging/setup-dev.sh --test   # also the test tools and Xvfb
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

# Qt's xcb/offscreen platforms, fonts that show Japanese, and venv support.
apt_packages=(python3-venv libgl1 libegl1 libfontconfig1 libglib2.0-0 libdbus-1-3 libxkbcommon0
  libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 fonts-noto-cjk)
# Tests also build the frozen app (PyInstaller needs binutils) and run it under Xvfb.
[ $with_tests = 1 ] && apt_packages+=(xvfb xauth binutils)

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ] && command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
if [ $with_tests = 1 ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
