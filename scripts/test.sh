#!/usr/bin/env bash
# Sets up what the tests need on a fresh Debian or Ubuntu machine, then runs `npm test`:
# Debian's docker.io (engine and client), debootstrap and shellcheck for the container and
# script tests, a running
# Docker engine, the pinned MinIO server, Helm, kubeconform, etcd and kube-apiserver (built
# with Go), and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/docker ] && command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v script >/dev/null || missing+=(bsdutils)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "test.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! /usr/bin/docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: no Docker engine answers; start dockerd (or run this script as root)" >&2
    exit 1
  fi
  log=${TMPDIR:-/tmp}/wordcount-dockerd.log
  echo "test.sh: starting dockerd (log: $log)" >&2
  nohup dockerd >"$log" 2>&1 &
  for _ in $(seq 60); do
    /usr/bin/docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  /usr/bin/docker info >/dev/null 2>&1 || { echo "test.sh: dockerd did not start; see $log" >&2; exit 1; }
fi

for tool in minio helm kubeconform etcd kube-apiserver; do
  scripts/ensure-tool.sh "$tool" >/dev/null
done
DOCKER=/usr/bin/docker scripts/build-base-image.sh
npm ci --no-audit --no-fund
npm test
