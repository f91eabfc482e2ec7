#!/bin/sh
# Install tesseract OCR with Russian and Chinese (simplified) when missing: the tests read the evidence images
# with it to prove that no buyer data is readable (tests/evidence_check.py). Debian's packages when we are
# root with apt; otherwise says exactly what to install.
set -u
has_langs() {
  command -v tesseract >/dev/null 2>&1 || return 1
  langs=$(tesseract --list-langs 2>/dev/null)
  for lang in rus chi_sim eng; do
    printf '%s\n' "$langs" | grep -qx "$lang" || return 1
  done
}
has_langs && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "tesseract (rus, chi_sim) not found: installing Debian's tesseract-ocr packages..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    tesseract-ocr tesseract-ocr-rus tesseract-ocr-chi-sim >/dev/null
fi
if ! has_langs; then
  echo "Could not install tesseract with Russian and Chinese automatically. Install it" >&2
  echo "(Debian/Ubuntu: sudo apt-get install -y tesseract-ocr tesseract-ocr-rus tesseract-ocr-chi-sim)," >&2
  echo "then run make again." >&2
  exit 1
fi
echo "tesseract: $(tesseract --version 2>/dev/null | head -n 1)"
