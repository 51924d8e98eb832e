#!/usr/bin/env bash
# Installs the Debian packages that the sandbox hosts and the tests need on
# the controller: podman (with runc, see tests/sandbox/image/containers.conf),
# mmdebstrap to build the hosts' root filesystem, Chromium for the browser
# test, and the MariaDB client headers with pkg-config to build the
# mysqlclient wheel the hosts' platform connects to MariaDB with (the wheel is
# built here and installed in the hosts: same Debian release, same library).
# Does nothing when they are all there already.
set -euo pipefail
packages=(podman runc mmdebstrap uidmap python3-venv chromium libmariadb-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
# With recommends, as measured: podman's recommended helpers (catatonit,
# fuse-overlayfs, containernetworking-plugins, ...) are part of the setup
# the sandbox was proven on.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
