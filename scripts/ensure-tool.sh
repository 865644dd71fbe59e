#!/usr/bin/env bash
# Prints the path of a pinned tool binary, building it with `go install` when it is missing.
# Binaries are cached outside the clone, in $WORDCOUNT_TOOLS_DIR (default
# ~/.cache/wordcount-tools), so CI runs and later checkouts reuse them.
#
# kube-apiserver and etcd serve the tests that read function timeouts through the Kubernetes
# API. Neither can be built with a plain `go install`: k8s.io/kubernetes replaces its k8s.io/*
# staging modules with local folders, and etcd's server module has no main package. So each is
# built from a scratch module that requires the release and, for Kubernetes, points every
# staging module at its published v0.x twin.
#
# Usage: scripts/ensure-tool.sh minio|helm|kubeconform|kube-apiserver|etcd
set -euo pipefail

# MinIO's community edition is distributed as source only. This is its last commit on the
# Go module proxy as of 2026-02-12, as a pseudo-version, because MinIO tags releases as
# RELEASE.* rather than semantic versions.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
HELM_VERSION=v3.21.4
KUBECONFORM_VERSION=v0.8.0
# The Kubernetes release whose OpenAPI specification scripts/make-kube-schemas.mjs reads.
KUBERNETES_VERSION=v1.35.4
# The etcd minor release that Kubernetes v1.35 is tested with, at its latest patch.
ETCD_VERSION=v3.6.17

tool=${1:?usage: ensure-tool.sh minio|helm|kubeconform|kube-apiserver|etcd}
case "$tool" in
  minio) module=$MINIO_MODULE version=$MINIO_VERSION binary=minio ;;
  helm) module=helm.sh/helm/v3/cmd/helm version=$HELM_VERSION binary=helm ;;
  kubeconform) module=github.com/yannh/kubeconform/cmd/kubeconform version=$KUBECONFORM_VERSION binary=kubeconform ;;
  kube-apiserver) module=k8s.io/kubernetes version=$KUBERNETES_VERSION binary=kube-apiserver ;;
  etcd) module=go.etcd.io/etcd/server/v3 version=$ETCD_VERSION binary=etcd ;;
  *)
    echo "ensure-tool.sh: unknown tool '$tool'; expected: minio, helm, kubeconform, kube-apiserver or etcd" >&2
    exit 2
    ;;
esac

# Writes a go.mod in the current folder that requires k8s.io/kubernetes and replaces each of
# its ./staging/src/k8s.io/NAME modules with k8s.io/NAME v0.MINOR.PATCH from the proxy.
write_kubernetes_module() {
  local gomod staging
  gomod=$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  staging=v0.${KUBERNETES_VERSION#v1.}
  {
    echo "module wordcount.local/kube-apiserver"
    echo "go 1.24"
    echo "require k8s.io/kubernetes $KUBERNETES_VERSION"
    sed -n "s#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/k8s.io/.*#replace \1 => \1 $staging#p" "$gomod"
  } >go.mod
  # The build tag keeps this file out of builds; `go mod tidy` still follows its import.
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' >tools.go
}

# Writes a scratch main package that runs etcd's own command-line entry point.
write_etcd_module() {
  printf 'module wordcount.local/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >go.mod
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' >main.go
}

# Builds $binary into folder $1 from a scratch module in a temporary folder.
build_from_scratch_module() {
  local out=$1 work
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand $work now: it is local to this function
  trap "rm -rf '$work'" RETURN
  (
    cd "$work"
    case "$tool" in
      kube-apiserver) write_kubernetes_module ;;
      etcd) write_etcd_module ;;
    esac
    go mod tidy >&2
    mkdir -p "$out"
    case "$tool" in
      kube-apiserver) go build -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2 ;;
      etcd) go build -o "$out/etcd" . >&2 ;;
    esac
  )
}

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
    export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
    case "$tool" in
      kube-apiserver | etcd) build_from_scratch_module "$dir.partial" ;;
      *) GOBIN="$dir.partial" go install "$module@$version" >&2 ;;
    esac
    rm -rf "$dir"
    mv "$dir.partial" "$dir"
  fi
fi
echo "$dir/$binary"
