#!/usr/bin/env sh
# Install this Reader bundle for the current user: a `reader` command in ~/.local/bin, the
# menu entry and the icon. The bundle stays where it is (move the folder first if you like).
#   ./install.sh            install
#   ./install.sh --remove   remove the command, menu entry and icon (your data stays)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin="${XDG_BIN_HOME:-$HOME/.local/bin}"
share="${XDG_DATA_HOME:-$HOME/.local/share}"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$bin/reader" "$share/applications/reader.desktop" "$share/icons/hicolor/scalable/apps/reader.svg"
  echo "Reader removed from the menu and PATH (your data in $share/Reader is untouched)."
  exit 0
fi
mkdir -p "$bin" "$share/applications" "$share/icons/hicolor/scalable/apps"
ln -sf "$here/Reader" "$bin/reader"
cp "$here/reader.svg" "$share/icons/hicolor/scalable/apps/reader.svg"
sed "s|^Exec=.*|Exec=\"$here/Reader\"|; s|^TryExec=.*|TryExec=$here/Reader|" \
  "$here/reader.desktop" > "$share/applications/reader.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "Reader installed: 'reader' in $bin, and in your applications menu."
