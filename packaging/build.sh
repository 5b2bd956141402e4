#!/usr/bin/env bash
# Build the Reader app (PyInstaller onedir) into dist/Reader/, in one command:
#
#   bash packaging/build.sh              # build (build venv in build/venv is created once, then reused)
#   bash packaging/build.sh --self-test  # ... then run the bundle's self-test
#   bash packaging/build.sh --archive    # ... then pack dist/Reader-<version>-<os>-<arch>.tar.xz (and .zip)
#   bash packaging/build.sh --clean      # start from an empty PyInstaller cache and a fresh build venv
#
# The build venv has Reader installed non-editable (exactly what pyproject.toml declares) plus
# PyInstaller; the bundle is built from that venv, never from the developer's .venv. Outputs go to
# build/ and dist/ at the top of the repo (both .gitignored). PYTHON=... picks the interpreter
# (3.11+, built with a shared libpython: the usual distro/pyenv/python.org builds are).
# Linux system packages the build itself needs: binutils (strip, objdump) and python3-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

self_test=0 archive=0 clean=0
for arg in "$@"; do
  case "$arg" in
    --self-test) self_test=1 ;;
    --archive) archive=1 ;;
    --clean) clean=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

started=$(date +%s)
python="${PYTHON:-python3}"
venv=build/venv
[ $clean = 1 ] && rm -rf "$venv" build/pyinstaller dist/Reader

case "$(uname -s)" in
  MINGW*|MSYS*|CYGWIN*) bin="$venv/Scripts"; exe_suffix=".exe" ;;
  *) bin="$venv/bin"; exe_suffix="" ;;
esac

if [ ! -x "$bin/python$exe_suffix" ]; then
  echo "== creating the build venv ($venv) with $("$python" --version 2>&1)"
  "$python" -m venv "$venv"
fi
"$bin/python" - <<'EOF'
import sys
if sys.version_info < (3, 11):
    sys.exit(f"build.sh: Python 3.11+ needed, this is {sys.version.split()[0]}")
EOF

echo "== installing Reader (non-editable) and PyInstaller into the build venv"
"$bin/python" -m pip install -q "pyinstaller>=6.10,<7" .
# A local folder with an unchanged version number: make sure the installed copy is this tree.
"$bin/python" -m pip install -q --no-deps --force-reinstall .
version=$("$bin/python" -c 'import importlib.metadata as m; print(m.version("reader-app"))')

echo "== the Sudachi dictionary, compressed (once; reused while the installed one is unchanged)"
"$bin/python" packaging/pack_dictionary.py build/packed

echo "== PyInstaller (Reader $version)"
pyinstaller_args=(--noconfirm --distpath dist --workpath build/pyinstaller)
[ $clean = 1 ] && pyinstaller_args+=(--clean)
"$bin/pyinstaller" "${pyinstaller_args[@]}" packaging/reader.spec

app=dist/Reader
case "$(uname -s)" in
  Darwin) exe="$app/Reader" ;;
  MINGW*|MSYS*|CYGWIN*) exe="$app/reader-cli.exe" ;;
  *) exe="$app/Reader"
     "$bin/python" packaging/strip_bundle.py "$app/_internal"
     # The desktop entry, icons and a per-user installer travel with the Linux bundle.
     cp packaging/linux/reader.desktop packaging/linux/install.sh "$app/"
     chmod +x "$app/install.sh"
     cp resources/icons/reader.svg "$app/reader.svg" ;;
esac

shown=$("$exe" --version)
if [ "$shown" != "Reader $version" ]; then
  echo "build.sh: the bundle says '$shown', pyproject.toml says $version" >&2
  exit 1
fi

if [ $self_test = 1 ]; then
  echo "== self-test of the bundle"
  "$exe" --self-test
fi

if [ $archive = 1 ]; then
  os=$(uname -s | tr '[:upper:]' '[:lower:]'); arch=$(uname -m)
  name="Reader-$version-$os-$arch"
  echo "== archives dist/$name.tar.xz and dist/$name.zip"
  rm -f "dist/$name.tar.xz" "dist/$name.zip"
  tar -C dist -cf - Reader | xz -T0 -9 > "dist/$name.tar.xz"
  (cd dist && "$root/$bin/python" -m zipfile -c "$name.zip" Reader >/dev/null)
  ls -l "dist/$name.tar.xz" "dist/$name.zip"
fi

elapsed=$(( $(date +%s) - started ))
echo "== built $app ($(du -sh "$app" | cut -f1) on disk) in $((elapsed / 60)) min $((elapsed % 60)) s"
echo "   run it: $exe    self-test: $exe --self-test"
