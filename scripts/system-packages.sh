#!/usr/bin/env bash
# WeasyPrint (the PDF receipts) needs Pango, HarfBuzz's subsetter and a font from the system.
# Debian/Ubuntu as root: installed here. Elsewhere: say exactly what to install, and stop.
set -euo pipefail
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation"

have() {
  python3 - <<'PY'
import ctypes.util, sys, glob
libs = ["pango-1.0", "pangoft2-1.0", "harfbuzz-subset"]
missing = [lib for lib in libs if ctypes.util.find_library(lib) is None]
fonts = glob.glob("/usr/share/fonts/**/*.ttf", recursive=True)
sys.exit(1 if missing or not fonts else 0)
PY
}

if have; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "Installing the system libraries WeasyPrint needs: $PACKAGES"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES >/dev/null
  exit 0
fi
echo "The PDF receipts need system libraries that are missing here." >&2
echo "On Debian or Ubuntu: sudo apt-get install $PACKAGES" >&2
echo "On macOS: brew install pango" >&2
exit 1
