#!/usr/bin/env bash
# Builds a MinIO server image from the pinned MinIO binary (scripts/ensure-tool.sh builds it
# with Go when missing) on the locally available base image, with no registry pulls. Prints
# the image ID on stdout.
#
# Usage: scripts/build-minio-image.sh [IMAGE]   (default dev.local/minio:VERSION, where
#        VERSION is the pinned MinIO module version)
set -euo pipefail
cd "$(dirname "$0")/.."

docker=${DOCKER:-docker}
binary=$(scripts/ensure-tool.sh minio)
# The binary's folder is named minio-VERSION and contains only the binary, so it is a small
# build context.
context=$(dirname "$binary")
version=${context##*/minio-}
image=${1:-dev.local/minio:$version}

DOCKER="$docker" scripts/build-base-image.sh >&2
DOCKER_BUILDKIT=1 "$docker" build --quiet -f docker/minio/Dockerfile -t "$image" "$context"
echo "build-minio-image.sh: built $image" >&2
