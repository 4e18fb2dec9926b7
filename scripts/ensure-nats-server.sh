#!/usr/bin/env bash
# Makes sure nats-server is installed: the tests of airssys-rt-nats start real nats-server processes.
#
# Quiet and quick when nats-server is already there (on PATH, in /usr/sbin or /usr/local/bin).
# Otherwise, as root on a Debian-like machine, installs Debian's package `nats-server` with apt-get
# (running `apt-get update` once if the first install fails). Without root or apt-get it prints how to
# install it and still exits 0: the tests then fail with a message that says the same, never skip.
# Run by .ci/run and by airssys-rt-nats/pom.xml (phase process-test-resources). Idempotent.
set -u

find_nats_server() {
  if command -v nats-server >/dev/null 2>&1; then
    return 0
  fi
  for dir in /usr/sbin /usr/local/bin /usr/bin; do
    if [ -x "$dir/nats-server" ]; then
      return 0
    fi
  done
  return 1
}

how_to_install() {
  cat >&2 <<'MSG'
ensure-nats-server: nats-server is not installed; the tests of airssys-rt-nats need it.
  Install it with:  sudo apt-get install nats-server   (Debian/Ubuntu; version 2.9 or newer, JetStream)
  or put a nats-server binary (https://github.com/nats-io/nats-server/releases) on PATH,
  or run this script as root:  sudo scripts/ensure-nats-server.sh
MSG
}

if find_nats_server; then
  exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  how_to_install
  exit 0
fi

echo "ensure-nats-server: installing nats-server with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq nats-server >/dev/null 2>&1; then
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq nats-server >/dev/null || true
fi

if find_nats_server; then
  echo "ensure-nats-server: installed $(nats-server --version 2>/dev/null || echo nats-server)" >&2
else
  echo "ensure-nats-server: apt-get could not install nats-server" >&2
  how_to_install
fi
exit 0
