#!/usr/bin/env bash
# Install the Debian packages the project needs, when missing and when we can: redis-server,
# chromium (browser tests), and for `make run PROFILE=cluster` haproxy and postgresql (devstack runs
# a private PostgreSQL cluster under var/cluster/; the system's own cluster is not used).
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium fonts-dejavu-core)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)  # the weekly report's PDF pages as PNG (tests)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages: ${need[*]} — install them with: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# policy-rc.d: the packages' own services (the system-wide haproxy and PostgreSQL) are not started;
# devstack runs private instances on the stack's ports
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; trap 'rm -f "$policy"' EXIT; fi
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
