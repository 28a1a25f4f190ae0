#!/bin/busybox sh
# /init of the e2e guest. Brings up the network, then runs /test.sh (appended per run as a
# second cpio archive) with its output on the second serial port (ttyS1), so the session log
# is not interleaved with kernel messages (those go to ttyS0). Powers off at the end.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /tmp /run; mount -t tmpfs tmpfs /tmp
out=/dev/ttyS1; [ -c "$out" ] || out=/dev/console
stty -F "$out" raw -echo 2>/dev/null
{
  modprobe virtio_pci; modprobe virtio_net
  ip link set lo up
  for i in $(seq 1 25); do [ -e /sys/class/net/eth0 ] && break; sleep 0.2; done
  ip link set eth0 up; ip addr add 10.0.2.15/24 dev eth0; ip route add default via 10.0.2.2
  echo "@@E2E ready uptime=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)"
  if [ -f /test.sh ]; then sh /test.sh; rc=$?; else echo "@@E2E no /test.sh in the initramfs"; rc=127; fi
  echo "@@E2E exit rc=$rc uptime=$(cut -d' ' -f1 /proc/uptime)"
} > "$out" 2>&1
sync; poweroff -f
