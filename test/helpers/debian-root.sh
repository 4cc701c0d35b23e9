#!/usr/bin/env bash
# Makes (once) a Debian root of another architecture with `nodejs` from Debian's archive, for
# running the agent's artefact as a Raspberry Pi runs it, under qemu-user-static:
#
#   test/helpers/debian-root.sh arm64 trixie /var/cache/hnth-test/debian-trixie-arm64
#
# debootstrap --foreign downloads and checks (against the keyring) every package, then each is
# unpacked here rather than configured by the second stage inside the root: that stage execs
# foreign binaries, which needs the kernel's binfmt_misc set up for qemu, a machine-wide change a
# test should not make. Nothing the agent needs runs a maintainer script (node is a program and its
# libraries). The root is built beside its place and renamed into it, so a cut-short run leaves no
# half root to be taken for a good one; the second run finds it and returns at once.
set -euo pipefail

arch="${1:?usage: debian-root.sh ARCH SUITE DIR}"
suite="${2:?usage: debian-root.sh ARCH SUITE DIR}"
dir="${3:?usage: debian-root.sh ARCH SUITE DIR}"
packages=nodejs

case "$arch" in
  arm64) qemu=qemu-aarch64-static ;;
  armhf) qemu=qemu-arm-static ;;
  *) echo "debian-root: unknown architecture $arch" >&2; exit 2 ;;
esac

[ -f "$dir/.complete" ] && exit 0

for tool in debootstrap "$qemu" dpkg-deb; do
  command -v "$tool" >/dev/null || {
    echo "debian-root: $tool is missing: apt-get install debootstrap qemu-user-static" >&2
    exit 3
  }
done
[ "$(id -u)" -eq 0 ] || { echo 'debian-root: debootstrap needs root' >&2; exit 3; }

# The Debian mirror this machine's apt already uses (HNTH_DEBIAN_MIRROR overrides it).
mirror="${HNTH_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror="$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list |
    grep -oE 'https?://[^ ]+/debian/?$' | head -n 1 || true)"
fi
[ -n "$mirror" ] || { echo 'debian-root: no Debian mirror in /etc/apt; set HNTH_DEBIAN_MIRROR' >&2; exit 3; }

mkdir -p "$(dirname "$dir")"
work="$dir.partial-$$"
trap 'rm -rf "$work"' EXIT
debootstrap --foreign --arch="$arch" --variant=minbase --include="$packages" "$suite" "$work" "$mirror"
# Merged /usr: the root's /bin, /lib … are links into /usr and must stay links.
for deb in "$work"/var/cache/apt/archives/*.deb; do
  dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$work"
done
cp "$(command -v "$qemu")" "$work/usr/bin/"
chroot "$work" "/usr/bin/$qemu" /usr/bin/node --version >"$work/.node-version"
touch "$work/.complete"
mv "$work" "$dir"
trap - EXIT
echo "debian-root: $dir ready, node $(cat "$dir/.node-version")"
