#!/usr/bin/env bash
# Prepares the cgroup v2 test VM (see scripts/vm/README.md): installs QEMU and busybox-static from
# apt when missing, fetches the Debian kernel package (apt-get download, never apt-get install),
# unpacks it, extracts the uncompressed vmlinux for PVH direct boot and builds a tiny busybox
# initramfs that loads the virtio, 9p, virtio_net and virtio_blk modules. Everything lands in $CGDASH_VM_CACHE (outside the repo).
# Idempotent: a second run with the same kernel and the same init script does nothing.
# Prints, on its last line, the directory holding `vmlinux` (or `bzImage`) and `initramfs.cpio`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${CGDASH_VM_CACHE:-/var/cache/cgdash-vm}"
export DEBIAN_FRONTEND=noninteractive
log() { echo "vm-prepare: $*" >&2; }
die() { echo "vm-prepare: ERROR: $*" >&2; exit 1; }

# --- host packages -------------------------------------------------------------------------------
apt_updated=0
apt_install() {
  [ "$(id -u)" -eq 0 ] || die "need root to apt-get install $*"
  if [ "$apt_updated" -eq 0 ]; then apt-get update -q >&2; apt_updated=1; fi
  apt-get install -y -q --no-install-recommends "$@" >&2
}
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
# busybox-static ships /bin/busybox statically linked; the initramfs has no libc, so nothing else will do.
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then need+=(busybox-static); fi
if [ "${#need[@]}" -gt 0 ]; then log "installing ${need[*]} (apt)"; apt_install "${need[@]}"; fi
busybox=/bin/busybox
[ -x "$busybox" ] || die "busybox-static did not provide $busybox"

# --- kernel package --------------------------------------------------------------------------------
mkdir -p "$cache"
# linux-image-amd64 is a metapackage; its dependency names the real kernel package.
kpkg="${CGDASH_VM_KERNEL_PKG:-}"
if [ -z "$kpkg" ]; then
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$kpkg" ]; then
    if [ "$apt_updated" -eq 0 ]; then apt-get update -q >&2; apt_updated=1; fi
    kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  fi
fi
[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (apt-cache depends linux-image-amd64)"
kver="${kpkg#linux-image-}"                 # e.g. 6.1.0-57-amd64
kdir="$cache/$kver"
deb=$(ls "$kdir"/linux-image-*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
  log "downloading $kpkg (apt-get download)"
  mkdir -p "$kdir/dl"
  # apt drops privileges to _apt for downloads; let it write here to avoid the "unsandboxed" warning.
  chown _apt "$kdir/dl" 2>/dev/null || true
  if ! (cd "$kdir/dl" && apt-get download -q "$kpkg" >&2); then
    if [ "$apt_updated" -eq 0 ]; then apt-get update -q >&2; apt_updated=1; fi
    (cd "$kdir/dl" && apt-get download -q "$kpkg" >&2) || die "apt-get download $kpkg failed"
  fi
  mv "$kdir"/dl/linux-image-*.deb "$kdir/" && rmdir "$kdir/dl"
  deb=$(ls "$kdir"/linux-image-*.deb | head -1)
fi
if [ ! -d "$kdir/pkg/boot" ]; then
  log "unpacking $(basename "$deb")"
  rm -rf "$kdir/pkg.tmp" && mkdir -p "$kdir/pkg.tmp"
  dpkg-deb -x "$deb" "$kdir/pkg.tmp"
  mv "$kdir/pkg.tmp" "$kdir/pkg"
fi
vmlinuz="$kdir/pkg/boot/vmlinuz-$kver"
[ -f "$vmlinuz" ] || die "no $vmlinuz in $deb"

# --- vmlinux for PVH direct boot -------------------------------------------------------------------
# The bzImage header gives the compressed payload's place: setup is (setup_sects+1)*512 bytes
# (setup_sects at 0x1f1), payload_offset (0x248) and payload_length (0x24c) count from there.
# PVH boot skips the real-mode setup and the in-guest decompression (~4 s under TCG).
if [ ! -s "$kdir/vmlinux" ] && [ ! -s "$kdir/bzImage" ]; then
  u8()  { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
  u32() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
  setup=$(( ($(u8 "$vmlinuz" $((0x1f1))) + 1) * 512 ))
  poff=$(u32 "$vmlinuz" $((0x248))); plen=$(u32 "$vmlinuz" $((0x24c)))
  off=$((setup + poff))
  payload() { dd if="$vmlinuz" iflag=skip_bytes,count_bytes skip="$off" count="$plen" bs=64K status=none; }
  magic=$(od -An -tx1 -j "$off" -N6 "$vmlinuz" | tr -d ' \n')
  # The decompressor's payload is vmlinux.bin followed by its relocation table, and xz reports an
  # error at its end; what counts is that a complete ELF came out: keep exactly the ELF's bytes
  # (up to the end of its section header table).
  case "$magic" in
    fd377a585a00) payload | xz -dc > "$kdir/vmlinux.tmp" 2>/dev/null || true ;;
    28b52ffd*)    payload | zstd -qdc > "$kdir/vmlinux.tmp" 2>/dev/null || true ;;
    1f8b*)        payload | gzip -dc > "$kdir/vmlinux.tmp" 2>/dev/null || true ;;
    *)            : > "$kdir/vmlinux.tmp" ;;
  esac
  ok=0
  if [ "$(head -c 4 "$kdir/vmlinux.tmp" | od -An -c | tr -d ' ')" = "177ELF" ]; then
    shoff=$(od -An -tu8 -j $((0x28)) -N8 "$kdir/vmlinux.tmp" | tr -d ' ')
    shentsize=$(od -An -tu2 -j $((0x3a)) -N2 "$kdir/vmlinux.tmp" | tr -d ' ')
    shnum=$(od -An -tu2 -j $((0x3c)) -N2 "$kdir/vmlinux.tmp" | tr -d ' ')
    elf_end=$((shoff + shentsize * shnum))
    if [ "$(stat -c %s "$kdir/vmlinux.tmp")" -ge "$elf_end" ]; then truncate -s "$elf_end" "$kdir/vmlinux.tmp"; ok=1; fi
  fi
  # An ELF with the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY, needs CONFIG_PVH=y) boots directly.
  if [ "$ok" -eq 1 ] && grep -q '^CONFIG_PVH=y' "$kdir/pkg/boot/config-$kver"; then
    mv "$kdir/vmlinux.tmp" "$kdir/vmlinux"; log "extracted vmlinux (PVH boot)"
  else
    rm -f "$kdir/vmlinux.tmp"; cp "$vmlinuz" "$kdir/bzImage"; log "cannot extract a PVH vmlinux (payload magic $magic); using the bzImage"
  fi
fi

# --- initramfs ------------------------------------------------------------------------------------
# Modules to load, dependencies first. The .deb ships no modules.dep, so the order comes from the
# `depends=` field inside each .ko (its .modinfo section), resolved recursively from the targets.
# virtio_net: QEMU user networking (forwarded ports for the e2e suite); virtio_blk: the scratch disk for io.max.
targets=(virtio_pci 9pnet_virtio 9p virtio_net virtio_blk)
moddir="$kdir/pkg/lib/modules/$kver"
declare -A kofile=() seen=()
while IFS= read -r f; do b=${f##*/}; b=${b%%.ko*}; kofile[$b]="$f"; done < <(find "$moddir/kernel" -name '*.ko*')
order=()
visit() {
  local m="$1" f deps d
  [ -n "${seen[$m]:-}" ] && return 0
  seen[$m]=1
  f="${kofile[$m]:-}"
  [ -n "$f" ] || f="${kofile[${m//-/_}]:-}"
  [ -n "$f" ] || { grep -qE "/${m}\.ko" "$moddir/modules.builtin" 2>/dev/null && return 0; die "module $m not in the kernel package"; }
  case "$f" in
    *.ko.xz)  deps=$(xz -dc "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1) ;;
    *.ko.zst) deps=$(zstd -dc "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1) ;;
    *.ko.gz)  deps=$(gzip -dc "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1) ;;
    *)        deps=$(tr '\0' '\n' < "$f" | sed -n 's/^depends=//p' | head -1) ;;
  esac
  for d in ${deps//,/ }; do visit "$d"; done
  order+=("$m")
}
for t in "${targets[@]}"; do visit "$t"; done

stamp=$( { echo "$kver ${order[*]}"; cat "$here/guest-init.sh"; sha256sum "$busybox"; } | sha256sum | cut -c1-16)
if [ ! -s "$kdir/initramfs-$stamp.cpio" ]; then
  log "building initramfs (modules: ${order[*]})"
  root=$(mktemp -d)
  trap 'rm -rf "$root"' EXIT
  mkdir -p "$root"/{bin,dev,proc,sys,newroot,modules}
  cp "$busybox" "$root/bin/busybox"
  cp "$here/guest-init.sh" "$root/init"; chmod 755 "$root/init"
  i=0
  for m in "${order[@]}"; do
    f="${kofile[$m]:-${kofile[${m//-/_}]:-}}"
    [ -n "$f" ] || continue   # built in
    out="$root/modules/$(printf '%02d' $i)-$m.ko"
    case "$f" in
      *.ko.xz) xz -dc "$f" > "$out" ;; *.ko.zst) zstd -qdc "$f" > "$out" ;; *.ko.gz) gzip -dc "$f" > "$out" ;; *) cp "$f" "$out" ;;
    esac
    i=$((i + 1))
  done
  (cd "$root" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) > "$kdir/initramfs.tmp"
  rm -f "$kdir"/initramfs-*.cpio
  mv "$kdir/initramfs.tmp" "$kdir/initramfs-$stamp.cpio"
fi
ln -sfn "initramfs-$stamp.cpio" "$kdir/initramfs.cpio"
echo "$kdir"
