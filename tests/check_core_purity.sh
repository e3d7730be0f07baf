#!/usr/bin/env bash
# Fails when a lib/core source includes a header of an I/O library (libmilter, c-ares,
# libspf2, libopendkim, libpsl, spdlog) or a socket API: the core stays pure, so every
# DMARC decision is testable without a network. Usage: check_core_purity.sh DIR
set -u
dir=${1:?usage: check_core_purity.sh DIR}
[ -d "$dir" ] || { echo "no such directory: $dir"; exit 2; }
forbidden='#[[:space:]]*include[[:space:]]*[<"](libmilter/|ares|spf2/|opendkim/|libpsl|spdlog/|fmt/|sys/socket|netinet/|arpa/|netdb|resolv\.h)'
hits=$(grep -rEn --include='*.h' --include='*.hpp' --include='*.cpp' "$forbidden" "$dir")
if [ -n "$hits" ]; then
    echo "lib/core must not include I/O libraries:"
    echo "$hits"
    exit 1
fi
echo "$(find "$dir" -name '*.cpp' -o -name '*.h' | wc -l) files in $dir are pure"
