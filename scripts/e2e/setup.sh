#!/bin/sh
# Installs the host packages the real-Linux e2e test needs (Debian, as root). Idempotent: an
# installed package is skipped, so a warm machine does no apt work at all.
set -eu
PKGS="qemu-system-x86 busybox-static nvme-cli kmod cpio"
command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 ||
  { echo "e2e setup: dpkg/apt-get not found; this test needs a Debian host" >&2; exit 1; }
need=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need="$need $p"
done
# python3 only decompresses the kernel: any python3 on PATH will do.
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then echo "e2e setup: missing packages:$need (run as root to install them)" >&2; exit 1; fi
echo "e2e setup: apt-get install$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need >/dev/null
