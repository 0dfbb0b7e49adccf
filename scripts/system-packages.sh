#!/usr/bin/env bash
# Installs the system packages szpub needs (TeX Live, fonts, poppler, chromium) when they are missing.
set -euo pipefail

packages=(
  texlive-xetex texlive-lang-chinese texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended latexmk fonts-noto-cjk fonts-freefont-otf
  poppler-utils gettext chromium
)
# npm installs axe-core for the browser tests; a node that brings its own npm (NodeSource) is kept
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "szpub needs these packages (Debian/Ubuntu names); install them with your system's package manager:" >&2
  echo "  ${packages[*]}" >&2
  exit 1
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing system packages: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "Not root and no sudo: ask an administrator to run: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
