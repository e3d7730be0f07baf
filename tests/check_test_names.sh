#!/usr/bin/env bash
# Fails when a Catch2 TEST_CASE name holds a character catch_discover_tests cannot carry
# (';' splits the name, and a fragment matching no test is reported "Passed" having run
# nothing), or starts with '~'. Usage: check_test_names.sh DIR
set -u
dir=${1:?usage: check_test_names.sh DIR}
[ -d "$dir" ] || { echo "no such directory: $dir"; exit 2; }
bad=$(grep -rEn --include='*.cpp' --exclude-dir=data 'TEST_CASE\("([^"]*[;*\\]|~)' "$dir")
if [ -n "$bad" ]; then
    echo "test names catch_discover_tests would mangle:"
    echo "$bad"
    exit 1
fi
echo "$(grep -rE --include='*.cpp' -c 'TEST_CASE\(' "$dir" | awk -F: '{s+=$2} END {print s}') test names are safe"
