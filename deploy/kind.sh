#!/usr/bin/env bash
# Runs wordcount on a local kind cluster: creates the cluster (or reuses it), installs
# Knative Serving with Kourier or nothing, and builds and loads the image. Then it installs
# the chart, stores a text, counts it with the workflow Job and prints the Job's log.
# `down` deletes the cluster. See `deploy/kind.sh --help`.
# Versions are pinned in deploy/versions.env.
SCRIPT_NAME=kind.sh
# shellcheck source=deploy/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KIND=${KIND:-kind}
CLUSTER_TOOLS=("$KIND")

cluster_context() {
  echo "kind-$CLUSTER_NAME"
}

cluster_up() {
  check_version "$KIND_VERSION" "$KIND" version
  if query "$KIND" get clusters | grep -qx "$CLUSTER_NAME"; then
    echo "$SCRIPT_NAME: cluster $CLUSTER_NAME exists; using it"
  else
    run "$KIND" create cluster --name "$CLUSTER_NAME" --image "$KIND_NODE_IMAGE" --wait 180s
  fi
}

cluster_load_image() {
  run "$KIND" load docker-image "$IMAGE" --name "$CLUSTER_NAME"
}

# Copies the text onto the cluster's only node, where the loader Job reads it.
cluster_copy_text() {
  local node=$CLUSTER_NAME-control-plane
  run "$DOCKER" exec "$node" mkdir -p "$TEXTS_DIR"
  run "$DOCKER" cp -L "$TEXT" "$node:$TEXTS_DIR/$1"
  run "$DOCKER" exec "$node" chmod a+r "$TEXTS_DIR/$1"
}

cluster_down() {
  run "$KIND" delete cluster --name "$CLUSTER_NAME"
}

main "$@"
