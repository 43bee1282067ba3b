#!/bin/busybox sh
# PID 1 of the cgroup v2 test VM (copied into the initramfs by prepare.sh as /init).
# Loads the virtio/9p/net/blk modules, mounts the host's root read-only (9p tag `hostroot`) at /newroot and
# the writable results share (tag `results`) at /newroot/run/cgdash-vm, mounts proc, sys, cgroup2 at
# /sys/fs/cgroup, devtmpfs and tmpfs (/tmp, /run, /dev/shm) inside it, chroots into it and runs
# /run/cgdash-vm/cmd.sh with output in output.log and its exit status in exit-code. Then
# `reboot -f`, which with QEMU's -no-reboot ends the VM. Any setup failure prints FATAL and ends it.
/bin/busybox --install -s /bin
export PATH=/bin
R=/newroot
say() { echo "guest-init: $*" > /dev/console 2>/dev/null || echo "guest-init: $*"; }
fatal() {
  say "FATAL: $*"
  [ -d $R/run/cgdash-vm ] && echo "$*" > $R/run/cgdash-vm/init-failed 2>/dev/null
  sync; reboot -f; sleep 5; exit 1
}
mount -t proc proc /proc || fatal "mount /proc"
mount -t sysfs sysfs /sys || fatal "mount /sys"
mount -t devtmpfs devtmpfs /dev || fatal "mount /dev"
say "up $(cut -d' ' -f1 /proc/uptime)s; loading modules"
for m in /modules/*.ko; do
  insmod "$m" || fatal "insmod $m"
done
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$opts,ro,cache=loose" hostroot $R || fatal "mount 9p hostroot (read-only host root)"
# A second view of the host root, not covered by the guest's own mounts below (its /tmp, /run, /dev).
mkdir -p /host && mount --bind $R /host || fatal "bind the host root at /host"
mount -t tmpfs -o mode=755 tmpfs $R/run || fatal "mount tmpfs $R/run"
mkdir -p $R/run/cgdash-vm
mount -t 9p -o "$opts,cache=none" results $R/run/cgdash-vm || fatal "mount 9p results"
mount -t proc proc $R/proc || fatal "mount $R/proc"
mount -t sysfs sysfs $R/sys || fatal "mount $R/sys"
mount -t cgroup2 none $R/sys/fs/cgroup || fatal "mount cgroup2 at /sys/fs/cgroup"
mount -t devtmpfs devtmpfs $R/dev || fatal "mount $R/dev"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts || fatal "mount devpts"
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm || fatal "mount /dev/shm"
mount -t tmpfs -o mode=1777 tmpfs $R/tmp || fatal "mount /tmp"
mkdir -p $R/tmp/home
# Host directories that the guest's tmpfs mounts would hide (a checkout under /tmp, say): run.sh
# lists them in `binds`; each is bound, read-only like the rest of the host, at the same path.
if [ -f $R/run/cgdash-vm/binds ]; then
  while read -r p; do
    [ -n "$p" ] || continue
    [ -d "/host$p" ] || fatal "host directory $p (from binds) is not visible over 9p"
    mkdir -p "$R$p" && mount --bind "/host$p" "$R$p" || fatal "bind $p"
  done < $R/run/cgdash-vm/binds
fi
ip link set lo up || fatal "ip link set lo up"
# QEMU's user network (run.sh): the guest is 10.0.2.15, the gateway 10.0.2.2; forwarded host ports
# arrive on eth0. restrict=on means nothing beyond it answers.
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 || fatal "configure eth0"
fi
hostname cgdash-v2-vm
say "ready $(cut -d' ' -f1 /proc/uptime)s; cgroup.controllers: $(cat $R/sys/fs/cgroup/cgroup.controllers)"
[ -f $R/run/cgdash-vm/cmd.sh ] || fatal "no cmd.sh in the results share"
chroot $R /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home \
  TERM=dumb LANG=C.UTF-8 /bin/sh /run/cgdash-vm/cmd.sh > $R/run/cgdash-vm/output.log 2>&1 < /dev/null
rc=$?
echo "$rc" > $R/run/cgdash-vm/exit-code
say "command exited $rc at $(cut -d' ' -f1 /proc/uptime)s"
sync
umount $R/run/cgdash-vm 2>/dev/null
reboot -f
