#!/bin/sh
# Builds (or finds in the cache) the e2e guest: Debian's kernel as an uncompressed PVH vmlinux
# plus a raw cpio initramfs with busybox, nvme-cli (and its libraries) and the nvme-tcp modules.
# Recipe: /work/shared/reference/linux-guest.md §6. Usage: build-guest.sh CACHE_DIR
# Prints the guest directory (holding vmlinux, base.cpio, kernel-release) on stdout.
# The guest is rebuilt only when this script, guest-init.sh, the kernel package, nvme-cli or
# busybox changes (they make up the cache key); older guests in CACHE_DIR are removed.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:?usage: build-guest.sh CACHE_DIR}
mkdir -p "$CACHE"; CACHE=$(cd "$CACHE" && pwd)
log() { echo "e2e build: $*" >&2; }

resolve_kernel() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
KPKG=$(resolve_kernel)
if [ -z "$KPKG" ]; then log "apt-get update (linux-image-amd64 unknown)"; apt-get update -q >/dev/null; KPKG=$(resolve_kernel); fi
[ -n "$KPKG" ] || { log "cannot resolve the kernel package behind linux-image-amd64"; exit 1; }
K=${KPKG#linux-image-}
KEY=$( { cat "$HERE/build-guest.sh" "$HERE/guest-init.sh"; echo "$KPKG";
         dpkg-query -W -f='${Version}' nvme-cli busybox-static; } | sha256sum | cut -c1-16)
OUT="$CACHE/guest-$KEY"
if [ -f "$OUT/base.cpio" ] && [ -f "$OUT/vmlinux" ]; then echo "$OUT"; exit 0; fi

log "building guest $KEY (kernel $K) in $OUT"
for old in "$CACHE"/guest-*; do [ -d "$old" ] && [ "$old" != "$OUT" ] && rm -rf "$old"; done
rm -rf "$OUT" "$OUT.tmp"; mkdir -p "$OUT.tmp"; cd "$OUT.tmp"

# The kernel .deb (the ABI name changes with point releases, so it is always resolved above).
apt-get download "$KPKG" >/dev/null 2>&1 || { apt-get update -q >/dev/null; apt-get download "$KPKG" >/dev/null; }
dpkg -x "${KPKG}"_*.deb kroot
python3 -c "import lzma,sys;d=open(sys.argv[1],'rb').read();i=d.find(b'\xfd7zXZ\x00');open('vmlinux','wb').write(lzma.LZMADecompressor().decompress(d[i:]))" "kroot/boot/vmlinuz-$K"

R=initrd
mkdir -p $R/bin $R/sbin $R/etc/nvme $R/proc $R/sys $R/dev $R/tmp $R/run $R/lib64 $R/lib/x86_64-linux-gnu "$R/lib/modules/$K"
cp /bin/busybox $R/bin/busybox
copy_with_libs() { # binary + every library ldd names
  cp "$1" "$R/$2"
  ldd "$1" | awk '/=>/ {print $3} /ld-linux/ {print $1}' | while read -r lib; do
    [ -f "$lib" ] || continue
    case "$lib" in /lib64/*) cp -L "$lib" $R/lib64/ ;; *) cp -L "$lib" $R/lib/x86_64-linux-gnu/ ;; esac
  done
}
copy_with_libs "$(command -v nvme)" sbin/nvme

depmod -b "$PWD/kroot" "$K"
# crc32c_generic: digests need it (TCG's default CPU has no SSE4.2 for crc32c-intel).
# nvmet-tcp, brd, configfs: Linux's own target inside the guest, the reference the session
# script is checked against (OCSSD_E2E_TARGET=nvmet).
for m in virtio_pci virtio_net nvme-tcp crc32c_generic nvmet-tcp brd configfs; do
  modprobe -d "$PWD/kroot" -S "$K" --show-depends $m | awk '$1=="insmod" {print $2}'
done | sort -u | while read -r ko; do
  rel=${ko#"$PWD/kroot/lib/modules/$K/"}
  mkdir -p "$R/lib/modules/$K/$(dirname "$rel")"; cp "$ko" "$R/lib/modules/$K/$rel"
done
cp "kroot/lib/modules/$K/modules.order" "kroot/lib/modules/$K/modules.builtin" "kroot/lib/modules/$K/modules.builtin.modinfo" "$R/lib/modules/$K/"
depmod -b "$PWD/$R" "$K" # modules.dep for the subset; busybox modprobe reads it

echo nqn.2014-08.org.nvmexpress:uuid:00000000-0000-0000-0000-000000000001 > $R/etc/nvme/hostnqn
echo 00000000-0000-0000-0000-000000000001 > $R/etc/nvme/hostid
cp "$HERE/guest-init.sh" $R/init; chmod +x $R/init
(cd $R && find . | cpio -o -H newc --quiet) > base.cpio # uncompressed: faster under TCG

mkdir -p "$OUT"; mv vmlinux base.cpio "$OUT/"; echo "$K" > "$OUT/kernel-release"
cd "$CACHE"; rm -rf "$OUT.tmp" # kroot alone is ~400 MB
log "guest ready: $(du -sh "$OUT" | cut -f1)"
echo "$OUT"
