#!/usr/bin/env bash
# Make sure the given Debian packages are installed.
#
#   scripts/apt-deps.sh PKG...
#
# Packages already installed cost nothing (dpkg-query only, no network).
# Missing ones are installed when running as root (one `apt-get update`, then one
# `apt-get install --no-install-recommends`); otherwise the apt-get line to run is
# printed and the script exits 1.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "apt-deps: not a Debian/Ubuntu system; make sure the equivalents of these are installed: $*" >&2
  exit 0
fi

missing=()
for pkg in "$@"; do
  # "installed", "not-installed", "config-files", "half-installed", ...; several
  # lines for a package installed for more than one architecture.
  status=$(dpkg-query -W -f='${db:Status-Status}\n' "$pkg" 2>/dev/null || true)
  if ! grep -qx installed <<<"$status"; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

install_line="apt-get install -y -q --no-install-recommends ${missing[*]}"

if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo >&2
  echo "    apt-get update && $install_line" >&2
  echo >&2
  exit 1
fi

echo "apt-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
