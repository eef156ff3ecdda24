#!/usr/bin/env bash
# Builds the usrsctp Diameter test client. Needs Debian's libusrsctp-dev (and gcc).
#   test/interop/sctp/build.sh OUTPUT_BINARY
set -euo pipefail
out=${1:?usage: build.sh OUTPUT_BINARY}
here=$(cd "$(dirname "$0")" && pwd)
[[ -f /usr/include/usrsctp.h ]] || { echo "missing /usr/include/usrsctp.h: apt-get install libusrsctp-dev" >&2; exit 2; }
gcc -O2 -Wall -Wextra -o "$out" "$here/diameter_client.c" -lusrsctp -lpthread
