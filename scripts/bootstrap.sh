#!/usr/bin/env bash
# Installs what a fresh machine lacks, idempotently: the pinned pnpm, the workspace's dependencies,
# Debian's chromium, and (with --test) the Debian servers and tools the test suite runs for real
# (Prometheus, InfluxDB; Janus with its demos; ansible-runner, ansible-core and ansible-lint for the deploy playbooks).
# Sourced or run by ./jlt and ./run-tests; each step is skipped when already satisfied.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_pnpm=$(node -p "require('./package.json').packageManager.split('@')[1]")
log() { printf 'jlt bootstrap: %s\n' "$*" >&2; }

if [ "$(pnpm --version 2>/dev/null || true)" != "$want_pnpm" ]; then
  log "installing pnpm $want_pnpm"
  npm install -g --silent "pnpm@$want_pnpm" >&2
fi

# The stamp records the lockfile a successful install used; a changed lockfile reinstalls.
stamp=node_modules/.jlt-install-stamp
lock_hash=$(sha256sum pnpm-lock.yaml package.json packages/*/package.json | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  log "installing dependencies"
  pnpm install --frozen-lockfile --reporter=silent >&2
  echo "$lock_hash" > "$stamp"
fi

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ $apt_updated -eq 0 ]; then $sudo apt-get update -qq >&2; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

apt_install chromium chromium-headless-shell fonts-liberation
if [ "${1:-}" = "--test" ]; then
  apt_install prometheus influxdb iproute2 python3-ansible-runner ansible-core ansible-lint janus janus-demos
  # The tests start their own Janus on loopback; the package's system service is not wanted.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-enabled --quiet janus 2>/dev/null; then
    $([ "$(id -u)" -ne 0 ] && echo sudo) systemctl disable --now janus >&2 || true
  fi
fi
