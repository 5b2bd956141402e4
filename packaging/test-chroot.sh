#!/usr/bin/env bash
# Try dist/Reader on a bare Debian 12 with only what a desktop has: no Python, no Japanese fonts.
#
#   sudo bash packaging/test-chroot.sh [CHROOT]      # default CHROOT=/tmp/chroot
#
# Makes the chroot once (debootstrap --variant=minbase bookworm, then the X/GL/xcb libraries Qt's
# xcb plugin needs, fontconfig with DejaVu only, Xvfb), copies the bundle in, and then
#   1. checks there is no python3 and no Japanese font in the chroot;
#   2. runs `Reader --self-test` on a real X server (Xvfb, Qt's xcb platform);
#   3. opens the window on a Japanese document and saves a screenshot of the X screen to
#      packaging/screenshots/chroot.png (from Xvfb's framebuffer: no screenshot tool needed).
# Needs root (debootstrap, chroot) and Debian's mirror (the host's apt sources).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
chroot_dir="${1:-/tmp/chroot}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
[ -x dist/Reader/Reader ] || { echo "no dist/Reader/Reader: run bash packaging/build.sh first" >&2; exit 1; }

desktop_libs=(libgl1 libegl1 fontconfig libfontconfig1 libxkbcommon0 libxkbcommon-x11-0 libglib2.0-0
  libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-randr0 libxcb-xinerama0 libxcb-xfixes0 xvfb xauth)

if [ ! -x "$chroot_dir/usr/bin/apt-get" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
  echo "== debootstrap bookworm into $chroot_dir"
  debootstrap --variant=minbase bookworm "$chroot_dir" "$mirror"
fi
mountpoint -q "$chroot_dir/proc" || mount -t proc proc "$chroot_dir/proc"
trap 'umount "$chroot_dir/proc" 2>/dev/null || true' EXIT
in_chroot() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
if ! in_chroot dpkg-query -W xvfb >/dev/null 2>&1; then
  echo "== installing the desktop libraries in the chroot"
  in_chroot sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${desktop_libs[*]}"
fi

echo "== what the chroot has"
if in_chroot sh -c 'command -v python3 || ls /usr/lib/python3* 2>/dev/null | head -1' | grep -q .; then
  echo "the chroot has Python: this test needs a machine without it" >&2; exit 1
fi
echo "python3: none"
japanese=$(in_chroot fc-list :lang=ja family | sort -u)
[ -z "$japanese" ] || { echo "the chroot has Japanese fonts ($japanese): remove them" >&2; exit 1; }
echo "Japanese fonts: none (fonts: $(in_chroot fc-list : family | sort -u | tr '\n' ' '))"

echo "== copying dist/Reader to $chroot_dir/opt/Reader"
rm -rf "$chroot_dir/opt/Reader"
cp -a dist/Reader "$chroot_dir/opt/Reader"

run_x() {  # run a command in the chroot with an Xvfb display :99 whose framebuffer lands in /tmp/fb
  in_chroot sh -c "rm -rf /tmp/fb /tmp/.X99-lock; mkdir -p /tmp/fb
    Xvfb :99 -screen 0 1440x900x24 -fbdir /tmp/fb -nolisten tcp >/tmp/xvfb.log 2>&1 & xvfb=\$!
    for i in \$(seq 50); do [ -e /tmp/.X11-unix/X99 ] && break; sleep 0.1; done
    export DISPLAY=:99 XDG_RUNTIME_DIR=/tmp/runtime; mkdir -p -m 700 /tmp/runtime
    $1; status=\$?; kill \$xvfb; wait \$xvfb 2>/dev/null; exit \$status"
}

echo "== self-test on Xvfb (xcb)"
run_x "/opt/Reader/Reader --self-test"

echo "== screenshot: the window with a Japanese document"
in_chroot sh -c 'rm -rf /tmp/reader-shot && /opt/Reader/Reader index --data-dir /tmp/reader-shot >/dev/null'
# Open the longest Japanese document (the session's "last document").
key=$(in_chroot /opt/Reader/Reader docs --json --data-dir /tmp/reader-shot | "${PYTHON:-python3}" -c '
import json, sys
docs = json.load(sys.stdin)
japanese = [d for d in docs if "ja" in d["languages"]] or docs
print(max(japanese, key=lambda d: d["chars"])["key"])')
printf '[session]\ndocKey=%s\noffset=0\n' "$key" > "$chroot_dir/tmp/reader-shot/settings.ini"
run_x "(/opt/Reader/Reader --data-dir /tmp/reader-shot & app=\$!; sleep ${SHOT_DELAY:-12}; cp /tmp/fb/Xvfb_screen0 /tmp/screen.xwd; kill \$app; wait \$app 2>/dev/null; true)"
mkdir -p packaging/screenshots
"${PYTHON:-python3}" packaging/xwd2png.py "$chroot_dir/tmp/screen.xwd" packaging/screenshots/chroot.png --crop 1360x860
echo "== done: packaging/screenshots/chroot.png"
