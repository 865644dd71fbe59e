# shellcheck shell=bash
# Steps shared by deploy/kind.sh and deploy/minikube.sh. The sourcing script sets SCRIPT_NAME
# and CLUSTER_TOOLS and defines the cluster-specific functions cluster_context, cluster_up,
# cluster_load_image, cluster_copy_text and cluster_down.
#
# Every command that reads or changes a cluster, an image or a file goes through `run` or
# `query`, which print it to stdout first, after "+ ". With --dry-run (or DRY_RUN=1) they
# print it without running it, and the checks that would skip a step on a re-run find
# nothing, so the output shows every step for a fresh machine.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=deploy/versions.env
. deploy/versions.env

CLUSTER_NAME=${CLUSTER_NAME:-wordcount}
NAMESPACE=${NAMESPACE:-wordcount}
RELEASE=wordcount
IMAGE_REPOSITORY=dev.local/wordcount
# The image tag is the chart's appVersion, so the chart's default tag finds the loaded image.
IMAGE_TAG=$(sed -n "s/^appVersion: *['\"]\{0,1\}\([^'\"]*\)['\"]\{0,1\} *$/\1/p" charts/wordcount/Chart.yaml)
IMAGE=$IMAGE_REPOSITORY:$IMAGE_TAG
# The node's folder that deploy/load-text-job.yaml reads texts from. cluster_copy_text fills it.
# shellcheck disable=SC2034
TEXTS_DIR=/var/lib/wordcount-texts
WORKFLOW_JOB=wordcount-count
LOAD_JOB=wordcount-load-text
# Maximum wait for the workflow Job in seconds, which is its activeDeadlineSeconds plus a minute.
JOB_WAIT_SECONDS=3660

DRY_RUN=${DRY_RUN:-0}
# Commands are printed to file descriptor 3, a copy of stdout, so that printing the command of
# a `query` inside $(...) does not mix it into the captured output.
exec 3>&1
KUBECTL=${KUBECTL:-kubectl}
HELM=${HELM:-helm}
DOCKER=${DOCKER:-docker}

# Prints its arguments as one shell command line, quoting those that need it.
quote() {
  local out='' arg
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
      out+=" $arg"
    else
      out+=" '${arg//\'/\'\\\'\'}'"
    fi
  done
  printf '%s\n' "${out# }"
}

# Runs a command that changes something, after printing it. With DRY_RUN=1 it only prints it.
run() {
  echo "+ $(quote "$@")" >&3
  [ "$DRY_RUN" = 1 ] || "$@"
}

# Runs a command that only reads state, after printing it. With DRY_RUN=1 it prints it and
# fails, as a check that finds nothing does.
query() {
  echo "+ $(quote "$@")" >&3
  [ "$DRY_RUN" != 1 ] || return 1
  "$@"
}

# Warns when a tool's version output does not contain the pinned version.
check_version() {
  local expected=$1 found
  shift
  found=$(query "$@" 2>/dev/null) || return 0
  case "$found" in
    *"$expected"*) ;;
    *) echo "$SCRIPT_NAME: warning: deploy/versions.env pins $expected, but $1 is: $found" >&2 ;;
  esac
}

die() {
  echo "$SCRIPT_NAME: $*" >&2
  exit 1
}

usage() {
  cat <<USAGE
Usage: deploy/$SCRIPT_NAME up [--platform knative|kubernetes] [--text FILE] [--dry-run]
       deploy/$SCRIPT_NAME down [--dry-run]

up    creates the cluster or reuses it, installs Knative Serving with Kourier
      (--platform knative, the default) or nothing (--platform kubernetes), builds
      and loads the image, installs the chart, stores FILE in MinIO, runs the
      workflow Job and prints its log. Running it again continues where it stopped.
down  deletes the cluster.

--text FILE   the text to count (default $DEFAULT_TEXT)
--dry-run     print every command without running it (also DRY_RUN=1)

Now: cluster $CLUSTER_NAME, image $IMAGE, release $RELEASE in namespace $NAMESPACE.
Environment: CLUSTER_NAME, NAMESPACE; WORDCOUNT_CA_BUNDLE, a CA bundle file that npm
uses inside the image build behind a TLS-inspecting proxy; KUBECTL, HELM, DOCKER and
KIND or MINIKUBE, the tools to run.
USAGE
}

DEFAULT_TEXT=/usr/share/common-licenses/GPL-3

# Parses the command line into ACTION, PLATFORM and TEXT.
parse_args() {
  ACTION=''
  PLATFORM=knative
  TEXT=$DEFAULT_TEXT
  while [ $# -gt 0 ]; do
    case "$1" in
      up | down) ACTION=$1 ;;
      --platform)
        [ $# -ge 2 ] || die "--platform needs a value: knative or kubernetes"
        PLATFORM=$2
        shift
        ;;
      --text)
        [ $# -ge 2 ] || die "--text needs a file"
        TEXT=$2
        shift
        ;;
      --dry-run) DRY_RUN=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown argument '$1'; see deploy/$SCRIPT_NAME --help" ;;
    esac
    shift
  done
  [ -n "$ACTION" ] || die "missing up or down; see deploy/$SCRIPT_NAME --help"
  case "$PLATFORM" in
    knative | kubernetes) ;;
    *) die "invalid --platform '$PLATFORM': expected knative or kubernetes" ;;
  esac
  if [ "$ACTION" = up ] && [ ! -f "$TEXT" ]; then
    die "text $TEXT is not a file; pass --text FILE"
  fi
}

# Checks that the tools exist. Helm is built by scripts/ensure-tool.sh when it is missing.
require_tools() {
  [ "$DRY_RUN" != 1 ] || return 0
  local tool
  for tool in "$DOCKER" "$KUBECTL" "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed; see the README section Run on Kubernetes"
  done
  if ! command -v "$HELM" >/dev/null; then
    HELM=$(scripts/ensure-tool.sh helm)
  fi
}

kube() {
  run "$KUBECTL" --context "$(cluster_context)" "$@"
}

install_knative() {
  kube apply -f "$KNATIVE_SERVING_CRDS_URL"
  kube wait --for=condition=Established --timeout=120s crd/services.serving.knative.dev
  kube apply -f "$KNATIVE_SERVING_CORE_URL"
  kube apply -f "$KOURIER_URL"
  kube patch configmap/config-network -n knative-serving --type merge \
    -p '{"data":{"ingress-class":"kourier.ingress.networking.knative.dev"}}'
  kube wait --for=condition=Available --timeout=300s deployment --all -n knative-serving
  kube wait --for=condition=Available --timeout=300s deployment --all -n kourier-system
}

build_image() {
  local secret=()
  if [ -n "${WORDCOUNT_CA_BUNDLE:-}" ]; then
    secret=(--secret "id=ca,src=$WORDCOUNT_CA_BUNDLE")
  fi
  run env DOCKER_BUILDKIT=1 "$DOCKER" build "${secret[@]}" -t "$IMAGE" .
}

install_chart() {
  run "$HELM" upgrade --install "$RELEASE" charts/wordcount \
    --kube-context "$(cluster_context)" --namespace "$NAMESPACE" --create-namespace \
    --set "platform=$PLATFORM" \
    --set "image.repository=$IMAGE_REPOSITORY" --set "image.tag=$IMAGE_TAG" \
    --set image.pullPolicy=Never \
    --wait --timeout 10m
  if [ "$PLATFORM" = knative ]; then
    kube wait --for=condition=Ready --timeout=300s ksvc --all -n "$NAMESPACE"
  fi
}

# Prints the name the text gets in the node's folder and in the bucket: its file name, with
# characters other than letters, digits, '.', '_' and '-' replaced by '-'.
text_name() {
  local name
  name=$(basename "$TEXT")
  printf '%s\n' "${name//[^A-Za-z0-9._-]/-}"
}

# Prints a job id for the text: its name and the start of its SHA-256, so that another text
# under the same name gets a job of its own instead of continuing the old one.
text_job_id() {
  local digest
  if command -v sha256sum >/dev/null; then
    digest=$(sha256sum <"$TEXT")
  else
    digest=$(shasum -a 256 <"$TEXT")
  fi
  printf 'wc-%s-%s\n' "$(text_name | tr '[:upper:]' '[:lower:]' | cut -c1-40)" "${digest:0:12}"
}

# Applies a Job manifest with its env values replaced, after deleting a Job of the same name,
# because a Job's pod template cannot be changed. A Job that runs again continues its stored job.
apply_job() {
  local manifest=$1 name=$2
  shift 2
  kube delete job "$name" -n "$NAMESPACE" --ignore-not-found --wait=true
  local set_env=("$KUBECTL" set env --local -f "$manifest" -o yaml "$@")
  local apply=("$KUBECTL" --context "$(cluster_context)" apply -n "$NAMESPACE" -f -)
  echo "+ $(quote "${set_env[@]}") | $(quote "${apply[@]}")" >&3
  [ "$DRY_RUN" = 1 ] || "${set_env[@]}" | "${apply[@]}"
}

# Waits until the Job has completed or failed, polling its conditions every 5 seconds.
# Returns 1 if it failed.
wait_for_job() {
  local name=$1 timeout=$2 conditions waited=0
  local get=("$KUBECTL" --context "$(cluster_context)" get job "$name" -n "$NAMESPACE"
    -o 'jsonpath={.status.conditions[?(@.status=="True")].type}')
  echo "+ $(quote "${get[@]}")   # every 5 s until Complete or Failed" >&3
  [ "$DRY_RUN" != 1 ] || return 0
  while :; do
    conditions=$("${get[@]}")
    case " $conditions " in
      *" Complete "*) return 0 ;;
      *" Failed "*) return 1 ;;
    esac
    [ "$waited" -lt "$timeout" ] || die "Job $name did not finish within $timeout s; see kubectl describe job $name -n $NAMESPACE"
    sleep 5
    waited=$((waited + 5))
  done
}

print_job_log() {
  kube logs -n "$NAMESPACE" -l "batch.kubernetes.io/job-name=$1" --tail=-1 --prefix
}

load_text() {
  local name object
  name=$(text_name)
  object="s3://wordcount/books/$name"
  cluster_copy_text "$name"
  apply_job deploy/load-text-job.yaml "$LOAD_JOB" "TEXT_FILE=$name" "INPUT_OBJECT=$object"
  wait_for_job "$LOAD_JOB" 660 || {
    print_job_log "$LOAD_JOB"
    die "storing $TEXT failed; see the log above"
  }
}

count_text() {
  local object job_id
  object="s3://wordcount/books/$(text_name)"
  job_id=$(text_job_id)
  apply_job deploy/wordcount-job.yaml "$WORKFLOW_JOB" "INPUT_OBJECT=$object" "JOB_ID=$job_id"
  local status=0
  wait_for_job "$WORKFLOW_JOB" "$JOB_WAIT_SECONDS" || status=$?
  print_job_log "$WORKFLOW_JOB"
  [ "$status" -eq 0 ] || die "the workflow Job $WORKFLOW_JOB failed; see the log above"
}

up() {
  cluster_up
  if [ "$PLATFORM" = knative ]; then
    install_knative
  fi
  build_image
  cluster_load_image
  install_chart
  load_text
  count_text
}

# Entry point of the sourcing script.
main() {
  parse_args "$@"
  if [ "$ACTION" = down ]; then
    require_tools "${CLUSTER_TOOLS[@]}"
    cluster_down
  else
    require_tools "${CLUSTER_TOOLS[@]}"
    up
  fi
}
