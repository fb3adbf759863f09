#!/usr/bin/env bash
# Can this machine run `make compose-test`? Exit 0 if so; otherwise print the reason on stdout
# and exit 1 (`make compose-test-if-possible` prints it as SKIPPED). Installs podman, runc and
# debootstrap from the Debian archive when they are missing and this is root.
set -uo pipefail
if [ -n "${SIGNPOST_SKIP_COMPOSE_TEST:-}" ]; then
  echo "SIGNPOST_SKIP_COMPOSE_TEST is set"; exit 1; fi
if [ "$(uname -s)" != Linux ]; then echo "not Linux"; exit 1; fi
# Rootful podman: debootstrap needs root, and the smoke test pauses container processes.
if [ "$(id -u)" != 0 ]; then echo "not root (the container test uses rootful podman and debootstrap)"; exit 1; fi
mem_gb=$(awk '/^MemTotal:/ {printf "%d", $2/1048576}' /proc/meminfo)
if [ "$mem_gb" -lt 8 ]; then echo "only ${mem_gb} GB of memory (the stack needs about 7 GB)"; exit 1; fi
free_gb=$(df -Pk /var/lib 2>/dev/null | awk 'NR == 2 {printf "%d", $4/1048576}')
if [ "${free_gb:-0}" -lt 15 ]; then echo "only ${free_gb:-0} GB free under /var/lib (images need about 15 GB)"; exit 1; fi
missing=()
for tool in podman runc debootstrap openssl curl; do command -v $tool >/dev/null || missing+=($tool); done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then echo "missing ${missing[*]} and no apt-get to install them"; exit 1; fi
  if ! { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman runc debootstrap openssl curl; } >/tmp/signpost-podman-install.log 2>&1; then
    echo "could not install podman, runc, debootstrap (apt-get failed: see /tmp/signpost-podman-install.log)"; exit 1
  fi
fi
source "$(dirname "$0")/env.sh"
# A container must start here: the smallest one there is, from an empty image made on the spot.
if ! podman image exists localhost/signpost-probe:empty; then
  tar -C "$(mktemp -d)" -c . | podman import - localhost/signpost-probe:empty >/dev/null 2>&1
fi
if ! out=$(podman run --rm --ulimit host --network host -v /bin:/bin:ro -v /lib:/lib:ro -v /lib64:/lib64:ro \
             -v /usr:/usr:ro localhost/signpost-probe:empty /bin/true 2>&1); then
  echo "podman cannot run a container here: $(echo "$out" | tail -1)"; exit 1
fi
exit 0
