#!/usr/bin/env bash
# Installs what mig needs to build and test (Debian packages only), and nothing already there.
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config clang tao-pegtl-dev libpq-dev libmariadb-dev
          libsqlite3-dev libcrypt-dev libxxhash-dev libpcre2-dev libcli11-dev catch2 nlohmann-json3-dev sqlite3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
