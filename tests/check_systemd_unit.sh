#!/bin/sh
# Checks a systemd unit file with systemd-analyze verify: fails on any complaint, including
# the settings systemd only warns about and ignores (a misspelt sandbox option would
# otherwise silently leave the service unsandboxed). The daemon's path in the unit is
# replaced by BINARY, which must exist. Usage: check_systemd_unit.sh UNIT BINARY
set -eu
unit=$1 binary=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze not found (Debian package systemd)" >&2
  exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/local/sbin/dmarc-milter#$binary#g" "$unit" > "$dir/$(basename "$unit")"
if ! systemd-analyze verify --man=no "$dir/$(basename "$unit")" > "$dir/out" 2>&1; then
  cat "$dir/out"; exit 1
fi
if [ -s "$dir/out" ]; then
  cat "$dir/out"; exit 1
fi
echo "$(basename "$unit"): systemd-analyze verify found nothing to complain about"
