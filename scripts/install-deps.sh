#!/usr/bin/env bash
# Install what eapd's test suite needs, and nothing that is already there (safe to re-run):
#   - the Debian (bookworm) packages of the real interop peers: eapol_test, hostapd, freeDiameterd
#     (+ extensions), tshark, prometheus, iproute2; with --dev, or when test/interop holds C sources
#     (a freeDiameter extension to build), also libfreediameter-dev and gcc;
#   - node_modules via `npm ci` when it is missing or does not match package-lock.json.
# apt-get runs only when a package is missing (then `apt-get update` once), as root or through
# passwordless sudo, non-interactively, with a policy-rc.d that keeps hostapd/prometheus from being
# started as services. Exits non-zero, naming what is missing, when it cannot install.
#
# Usage: scripts/install-deps.sh [--dev]
set -euo pipefail

cd "$(dirname "$0")/.."

die() {
  echo "install-deps: ERROR: $*" >&2
  exit 1
}

PKGS=(eapoltest hostapd freediameterd freediameter-extensions tshark prometheus iproute2 libusrsctp-dev libusrsctp-examples gcc openssl)
DEV_PKGS=(libfreediameter-dev gcc)
if [[ "${1:-}" == --dev ]] || [[ -n "$(find test/interop -name '*.c' -print -quit 2>/dev/null)" ]]; then
  PKGS+=("${DEV_PKGS[@]}")
fi
# binary -> package: checked after installing, so a package that installed but lacks the tool fails here
declare -A TOOLS=(
  [eapol_test]=eapoltest [hostapd]=hostapd [freeDiameterd]=freediameterd [tshark]=tshark [dumpcap]=tshark
  [text2pcap]=tshark [prometheus]=prometheus [ip]=iproute2
)
EXTENSIONS=(dict_nasreq dict_eap rt_default rt_redirect acl_wl dbg_msg_dumps)

installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" == installed ]]
}

# --- Debian packages
MISSING=()
if command -v dpkg-query >/dev/null; then
  for p in "${PKGS[@]}"; do installed "$p" || MISSING+=("$p"); done
else
  die "dpkg-query not found: this script installs Debian packages (${PKGS[*]}); install them by hand on other systems"
fi

if ((${#MISSING[@]} > 0)); then
  SUDO=()
  if [[ $(id -u) != 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      die "missing Debian packages: ${MISSING[*]}. Run this script as root (or with passwordless sudo), or: apt-get install ${MISSING[*]}"
    fi
  fi
  echo "install-deps: installing ${MISSING[*]}"
  # No service may start during the install (prometheus's postinst would start one on :9090).
  POLICY=/usr/sbin/policy-rc.d
  CREATED_POLICY=0
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# written by eapd scripts/install-deps.sh for the duration of apt-get install\nexit 101\n' |
      "${SUDO[@]}" tee "$POLICY" >/dev/null
    "${SUDO[@]}" chmod 755 "$POLICY"
    CREATED_POLICY=1
  fi
  cleanup_policy() { if ((CREATED_POLICY)); then "${SUDO[@]}" rm -f "$POLICY"; fi; }
  trap cleanup_policy EXIT
  LOG=$(mktemp -t eapd-install-deps.XXXXXX)
  export DEBIAN_FRONTEND=noninteractive # tshark's "non-root capture?" debconf question -> default (no)
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$LOG" 2>&1 ||
    { tail -20 "$LOG" >&2; die "apt-get update failed (log: $LOG); missing: ${MISSING[*]}"; }
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${MISSING[@]}" >>"$LOG" 2>&1 ||
    { tail -30 "$LOG" >&2; die "apt-get install failed (log: $LOG); missing: ${MISSING[*]}"; }
  cleanup_policy
  CREATED_POLICY=0
  for p in "${MISSING[@]}"; do installed "$p" || die "package $p is still not installed after apt-get (log: $LOG)"; done
  dpkg-query -W -f='  ${Package} ${Version}\n' "${MISSING[@]}"
fi

# --- the tools themselves (hostapd and ip live in sbin: look there too)
PATH=$PATH:/usr/sbin:/sbin
for tool in "${!TOOLS[@]}"; do
  command -v "$tool" >/dev/null || die "tool '$tool' not found although package '${TOOLS[$tool]}' is installed"
done
for ext in "${EXTENSIONS[@]}"; do
  [[ -r /usr/lib/freeDiameter/$ext.fdx ]] ||
    die "freeDiameter extension $ext.fdx missing from /usr/lib/freeDiameter (package freediameter-extensions)"
done

# --- node and node_modules
command -v node >/dev/null || die "node not found: eapd needs Node.js 20 (>= 20.19) on PATH"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a === 20 && b >= 19 ? 0 : 1)' ||
  die "node $(node --version) found; eapd needs Node.js 20 (>= 20.19, < 21)"
command -v npm >/dev/null || die "npm not found (it comes with Node.js)"
# Stale = no node_modules, a lockfile newer than npm's record of the install, or `npm ls` reporting
# missing/invalid packages.
if [[ ! -d node_modules ]] || [[ ! -f node_modules/.package-lock.json ]] ||
  [[ package-lock.json -nt node_modules/.package-lock.json ]] || ! npm ls --all >/dev/null 2>&1; then
  echo "install-deps: node_modules missing or stale: npm ci"
  npm ci --no-audit --no-fund || die "npm ci failed"
fi
