#!/usr/bin/env bash
# Prints the path of a pinned tool binary, building it with `go install` when it is missing.
# Binaries are cached outside the clone, in $WORDCOUNT_TOOLS_DIR (default
# ~/.cache/wordcount-tools), so CI runs and later checkouts reuse them.
#
# Usage: scripts/ensure-tool.sh minio|helm|kubeconform
set -euo pipefail

# MinIO's community edition is distributed as source only. This is its last commit on the
# Go module proxy as of 2026-02-12, as a pseudo-version, because MinIO tags releases as
# RELEASE.* rather than semantic versions.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
HELM_VERSION=v3.21.4
KUBECONFORM_VERSION=v0.8.0

tool=${1:?usage: ensure-tool.sh minio|helm|kubeconform}
case "$tool" in
  minio) module=$MINIO_MODULE version=$MINIO_VERSION binary=minio ;;
  helm) module=helm.sh/helm/v3/cmd/helm version=$HELM_VERSION binary=helm ;;
  kubeconform) module=github.com/yannh/kubeconform/cmd/kubeconform version=$KUBECONFORM_VERSION binary=kubeconform ;;
  *)
    echo "ensure-tool.sh: unknown tool '$tool'; expected: minio, helm or kubeconform" >&2
    exit 2
    ;;
esac

cache=${WORDCOUNT_TOOLS_DIR:-$HOME/.cache/wordcount-tools}
dir=$cache/$tool-$version
if [ ! -x "$dir/$binary" ]; then
  mkdir -p "$cache"
  # One build at a time: parallel test workers may ask for the same tool.
  exec 9>"$cache/.$tool.lock"
  flock 9
  if [ ! -x "$dir/$binary" ]; then
    command -v go >/dev/null || { echo "ensure-tool.sh: go is needed to build $tool; install Go 1.24 or newer" >&2; exit 1; }
    echo "ensure-tool.sh: building $module@$version (a few minutes, once)" >&2
    rm -rf "$dir.partial"
    GOBIN="$dir.partial" CGO_ENABLED=0 GOFLAGS=-buildvcs=false go install "$module@$version" >&2
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
  fi
fi
echo "$dir/$binary"
