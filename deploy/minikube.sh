#!/usr/bin/env bash
# Runs wordcount on a local minikube cluster: starts the profile (or reuses it), installs
# Knative Serving with Kourier or nothing, and builds and loads the image. Then it installs
# the chart, stores a text, counts it with the workflow Job and prints the Job's log.
# `down` deletes the profile. See `deploy/minikube.sh --help`.
# Versions are pinned in deploy/versions.env.
SCRIPT_NAME=minikube.sh
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MINIKUBE=${MINIKUBE:-minikube}
CLUSTER_TOOLS=("$MINIKUBE")
# Knative, MinIO and a few map instances of 1 CPU each need more than minikube's default
# 2 CPUs and 2 GB.
MINIKUBE_CPUS=${MINIKUBE_CPUS:-4}
MINIKUBE_MEMORY=${MINIKUBE_MEMORY:-8g}

cluster_context() {
  echo "$CLUSTER_NAME"
}

# `minikube start` starts a stopped profile and leaves a running one as it is.
cluster_up() {
  check_version "$MINIKUBE_VERSION" "$MINIKUBE" version --short
  run "$MINIKUBE" start -p "$CLUSTER_NAME" --kubernetes-version="$MINIKUBE_KUBERNETES_VERSION" \
    --cpus="$MINIKUBE_CPUS" --memory="$MINIKUBE_MEMORY"
}

cluster_load_image() {
  run "$MINIKUBE" -p "$CLUSTER_NAME" image load "$IMAGE"
}

# Copies the text onto the profile's only node, where the loader Job reads it.
cluster_copy_text() {
  run "$MINIKUBE" -p "$CLUSTER_NAME" ssh -- sudo mkdir -p "$TEXTS_DIR"
  run "$MINIKUBE" -p "$CLUSTER_NAME" cp "$TEXT" "$TEXTS_DIR/$1"
  run "$MINIKUBE" -p "$CLUSTER_NAME" ssh -- sudo chmod a+r "$TEXTS_DIR/$1"
}

cluster_down() {
  run "$MINIKUBE" delete -p "$CLUSTER_NAME"
}

main "$@"
