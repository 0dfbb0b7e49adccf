#!/usr/bin/env bash
# Installs the system packages szpub needs on Debian 12 or Ubuntu when they are missing.
#   scripts/system-packages.sh          what `make` needs: Python's venv, TeX Live, fonts, poppler, gettext
#   scripts/system-packages.sh --test   also what `make test` needs: npm (axe-core) and a Chromium
# The browser is installed on its own, after the rest: on Ubuntu `chromium` is only a snap wrapper, and
# one name apt cannot install would abort TeX Live's installation with it.
set -euo pipefail

base=(
  python3 python3-venv make git ca-certificates
  texlive-xetex texlive-lang-chinese texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended latexmk fonts-noto-cjk fonts-freefont-otf
  poppler-utils gettext
)
test_only=()
with_browser=false
if [[ "${1:-}" == "--test" ]]; then
  with_browser=true
  # npm installs axe-core for the browser tests; a node that brings its own npm (NodeSource) is kept
  command -v npm >/dev/null 2>&1 || test_only+=(nodejs npm)
  # Playwright's own Node.js driver links libatomic.so.1, which a minimal Debian 12 lacks
  test_only+=(libatomic1)
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "szpub needs these packages (Debian/Ubuntu names); install them with your system's package manager:" >&2
  echo "  ${base[*]} ${test_only[*]}${with_browser:+ and a Chromium (set SZPUB_CHROMIUM to its path)}" >&2
  exit 1
fi

missing_of() {
  local package status
  for package in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || echo "$package"
  done
}

sudo=()
if [[ $(id -u) -ne 0 ]]; then
  sudo=(sudo)
  command -v sudo >/dev/null 2>&1 || sudo=(__no_sudo__)
fi
updated=false

apt_install() {
  if [[ "${sudo[*]}" == "__no_sudo__" ]]; then
    echo "Not root and no sudo: ask an administrator to run: apt-get install $*" >&2
    return 1
  fi
  if ! $updated; then
    "${sudo[@]}" apt-get update -qq
    updated=true
  fi
  echo "Installing system packages: $*"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

mapfile -t missing < <(missing_of "${base[@]}" "${test_only[@]}")
[[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"

$with_browser || exit 0
# The browser tests use $SZPUB_CHROMIUM, else chromium or chromium-browser on PATH (tests/test_browser.py).
if [[ -n "${SZPUB_CHROMIUM:-}" ]]; then
  [[ -x "$SZPUB_CHROMIUM" ]] && exit 0
  echo "SZPUB_CHROMIUM=$SZPUB_CHROMIUM is not an executable file" >&2
  exit 1
fi
command -v chromium >/dev/null 2>&1 && [[ "$(readlink -f "$(command -v chromium)")" != /snap/* ]] && exit 0
# shellcheck source=/dev/null
os_ids=$(. /etc/os-release 2>/dev/null && echo "${ID:-} ${ID_LIKE:-}")
if [[ " $os_ids " != *" ubuntu "* ]]; then
  # Debian ships the browser as a package; Ubuntu's chromium package only installs a snap
  apt_install chromium && exit 0
fi
echo "Chromium is not installed: on this system apt has no Chromium that is not a snap." >&2
echo "Everything else is installed; only the browser tests need it. Install a Chromium or Google Chrome" >&2
echo "build (a .deb, or the snap: sudo snap install chromium) and set SZPUB_CHROMIUM=/path/to/its/binary." >&2
exit 0
