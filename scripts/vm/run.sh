#!/usr/bin/env bash
# Boots the cgroup v2 test VM once and runs one command in it (see scripts/vm/README.md).
#
#   scripts/vm/run.sh [--timeout SECONDS] [--cwd DIR] [--env NAME=VALUE]... [--forward HOSTPORT:GUESTPORT]...
#                     -- COMMAND [ARG]...
#
# The guest sees the host's root filesystem read-only (so COMMAND uses the host's node and this
# checkout), cgroup2 alone at /sys/fs/cgroup (cgroup_no_v1=all), tmpfs /tmp /run /dev/shm, HOME=/tmp/home,
# a writable results share at /run/cgdash-vm (CGDASH_VM_RESULTS on the host; a temporary directory
# when unset), an empty raw scratch disk at /dev/vda (CGDASH_VM_DISK in COMMAND's environment;
# CGDASH_VM_DISK_MB on the host, default 256) and one NIC, eth0 10.0.2.15/24, on QEMU's user network
# with restrict=on: the guest reaches nothing outside; each --forward makes the host's
# 127.0.0.1:HOSTPORT reach the guest's TCP GUESTPORT. COMMAND's output streams here as it runs; this script exits
# with COMMAND's exit status. If the VM does not boot, or COMMAND does not finish within the timeout,
# it prints the console log and exits 124 (timeout) or 125 (no result): never a silent skip.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
timeout_s=${CGDASH_VM_TIMEOUT:-900}
cwd="$PWD"
envs=()
forwards=()
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) timeout_s="$2"; shift 2 ;;
    --cwd) cwd="$2"; shift 2 ;;
    --env) envs+=("$2"); shift 2 ;;
    --forward)
      [[ "$2" =~ ^[0-9]+:[0-9]+$ ]] || { echo "run.sh: --forward takes HOSTPORT:GUESTPORT, got '$2'" >&2; exit 2; }
      forwards+=("hostfwd=tcp:127.0.0.1:${2%%:*}-:${2##*:}"); shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--timeout S] [--cwd DIR] [--env N=V]... -- COMMAND [ARG]..." >&2; exit 2; }

kdir=$("$here/prepare.sh" | tail -1)
if [ -s "$kdir/vmlinux" ]; then kernel="$kdir/vmlinux"; else kernel="$kdir/bzImage"; fi
initrd="$kdir/initramfs.cpio"

if [ -n "${CGDASH_VM_RESULTS:-}" ]; then
  res="$CGDASH_VM_RESULTS"; mkdir -p "$res"; keep=1
else
  res=$(mktemp -d /tmp/cgdash-vm.XXXXXX); keep=0
fi
rm -f "$res"/{cmd.sh,binds,output.log,exit-code,init-failed,console.log}
# The scratch disk: a sparse file beside (not inside) the results share, gone when the VM is.
disk_dir=$(mktemp -d /tmp/cgdash-vm-disk.XXXXXX)
truncate -s "${CGDASH_VM_DISK_MB:-256}M" "$disk_dir/scratch.img"

# The guest mounts its own tmpfs on /tmp, /run and /dev/shm; a working directory under one of them
# (CI may clone into /tmp) is bound back from the host so the command still finds it.
cwd=$(cd "$cwd" && pwd -P)
case "$cwd/" in
  /tmp/*|/run/*|/dev/shm/*) echo "$cwd" > "$res/binds" ;;
esac

# The command file the guest's init runs (with /bin/sh, chrooted into the host's root).
{
  echo "# written by scripts/vm/run.sh"
  echo "export CGDASH_VM_DISK=/dev/vda"
  for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done
  printf 'cd %q || exit 126\n' "$cwd"
  printf 'exec'; printf ' %q' "$@"; printf '\n'
} > "$res/cmd.sh"
touch "$res/output.log"

# loops_per_jiffy from the host's BogoMIPS (BogoMIPS = lpj * HZ / 500000), so the guest skips the
# delay-loop calibration that misbehaves under TCG.
hz=$(sed -n 's/^CONFIG_HZ=//p' "$kdir"/pkg/boot/config-* | head -1); hz=${hz:-250}
bogo=$(awk -F: '/^bogomips/{gsub(/ /,"",$2); print int($2); exit}' /proc/cpuinfo)
lpj=$(( ${bogo:-4000} * 500000 / hz ))
append="console=ttyS0 panic=-1 cgroup_no_v1=all lpj=$lpj rdinit=/init"

netfwd=""
for f in "${forwards[@]}"; do netfwd+=",$f"; done

qemu=(qemu-system-x86_64 -machine pc -accel "tcg,thread=${CGDASH_VM_TCG_THREAD:-multi}" -cpu "${CGDASH_VM_CPU:-max}" -smp 2 -m 2048
  -nodefaults -no-user-config -display none -no-reboot
  -serial "file:$res/console.log"
  -kernel "$kernel" -initrd "$initrd" -append "$append"
  -fsdev local,id=hostroot,path=/,readonly=on,security_model=none,multidevs=remap
  -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
  -fsdev "local,id=results,path=$res,security_model=none"
  -device virtio-9p-pci,fsdev=results,mount_tag=results
  -drive "file=$disk_dir/scratch.img,if=virtio,format=raw"
  -netdev "user,id=net0,restrict=on$netfwd" -device virtio-net-pci,netdev=net0)

echo "vm: booting $(basename "$kernel") ($(basename "$kdir")) under TCG, 2 vCPUs, 2 GiB; timeout ${timeout_s}s" >&2
t0=$(date +%s.%N)
# Stream the guest command's output while the VM runs (the results share is written through).
tail -n +1 -F "$res/output.log" 2>/dev/null &
tail_pid=$!
qemu_rc=0
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" > "$res/qemu.log" 2>&1 &
vm_pid=$!
# Interrupted (Ctrl-C, CI stopping us)? End the VM and the log streamer we started, by PID.
trap 'kill "$vm_pid" "$tail_pid" 2>/dev/null; rm -rf "$disk_dir"; [ "$keep" -eq 1 ] || rm -rf "$res"; exit 130' INT TERM HUP
wait "$vm_pid" || qemu_rc=$?
trap - INT TERM HUP
sleep 0.3
kill "$tail_pid" 2>/dev/null || true
wait "$tail_pid" 2>/dev/null || true
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b - a}')

show_console() {
  echo "---- VM console log ($res/console.log) ----" >&2
  cat "$res/console.log" >&2 2>/dev/null || echo "(no console log)" >&2
  echo "---- QEMU output ----" >&2
  cat "$res/qemu.log" >&2 2>/dev/null || true
  echo "---- end ----" >&2
}
rm -rf "$disk_dir"
cleanup() { [ "$keep" -eq 1 ] || rm -rf "$res"; }

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
  echo "vm: ERROR: timed out after ${timeout_s}s (qemu killed)" >&2; show_console; cleanup; exit 124
fi
if [ -s "$res/init-failed" ] || [ ! -s "$res/exit-code" ]; then
  echo "vm: ERROR: the VM ended after ${secs}s without a result from the guest (qemu exit $qemu_rc)" >&2
  show_console; cleanup; exit 125
fi
rc=$(cat "$res/exit-code")
boot=$(sed -n 's/.*guest-init: ready \([0-9.]*\)s.*/\1/p' "$res/console.log" | head -1)
echo "vm: guest command exited $rc; VM ran ${secs}s in all (guest ready after ${boot:-?}s of guest uptime)" >&2
# A failing command: the end of the kernel's log often says why (OOM kills, hung tasks, oopses).
[ "$rc" -eq 0 ] || { echo "vm: last 80 lines of the console log:" >&2; tail -n 80 "$res/console.log" | sed 's/^/  /' >&2; }
cleanup
exit "$rc"
