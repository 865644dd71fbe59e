#!/usr/bin/env bash
# Builds the base image node:20-bookworm-slim locally, for machines that cannot pull from a
# registry: a minimal Debian bookworm (debootstrap) with this machine's Node.js 20 and npm,
# laid out like the official image (/usr/local/bin/node, user node with uid 1000).
# Where the official image can be pulled, this script is not needed.
#
# Usage: scripts/build-base-image.sh [IMAGE]   (default node:20-bookworm-slim)
set -euo pipefail

image=${1:-node:20-bookworm-slim}
docker=${DOCKER:-docker}
if "$docker" image inspect "$image" >/dev/null 2>&1; then
  echo "build-base-image.sh: $image exists" >&2
  exit 0
fi

node_bin=$(command -v node)
node_version=$("$node_bin" --version)
case "$node_version" in
  v20.*) ;;
  *) echo "build-base-image.sh: need Node.js 20 on this machine, found $node_version" >&2; exit 1 ;;
esac
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
command -v debootstrap >/dev/null || { echo "build-base-image.sh: install debootstrap (apt-get install debootstrap)" >&2; exit 1; }

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "build-base-image.sh: debootstrap bookworm into $rootfs" >&2
debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null

install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
mkdir -p "$rootfs/usr/local/lib/node_modules"
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

tar -C "$rootfs" -c . | "$docker" import \
  --change 'ENV NODE_VERSION='"${node_version#v}" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
echo "build-base-image.sh: built $image with Node.js $node_version" >&2
