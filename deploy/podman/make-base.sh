#!/usr/bin/env bash
# Local base images, made here because no container registry is reachable (the Debian archive
# is): run as root by `make image` and `make compose-test`; each image is made only when missing
# (FORCE=1 remakes them).
#
#   localhost/debian:bookworm-local       debootstrap --variant=minbase bookworm, imported
#   localhost/signpost-base:bookworm-py3.10   + the machine's CPython 3.10 at /usr/local (base.Containerfile)
#   localhost/signpost-nginx:bookworm     + Debian's nginx (nginx.Containerfile)
#   localhost/signpost-redis:bookworm     + Debian's redis-server (redis.Containerfile)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$PODMAN_DIR"

have() { [ -z "${FORCE:-}" ] && podman image exists "$1"; }
work=$(mktemp -d /tmp/signpost-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! have "$DEBIAN_IMAGE"; then
  command -v debootstrap >/dev/null || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap; }
  # The mirror apt already uses on this machine.
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list)
  echo "== debootstrap --variant=minbase bookworm"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log"; exit 1; }
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$DEBIAN_IMAGE"
  rm -rf "$work/rootfs"
fi

if ! have "$BASE_IMAGE"; then
  py=${PYTHON310:-}
  if [ -z "$py" ]; then
    for p in "$(command -v python3.10 || true)" "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10; do
      [ -x "$p" ] && "$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { py=$p; break; }
    done
  fi
  [ -n "$py" ] || { echo "error: no Python 3.10 on this machine to copy into the base image" >&2; exit 1; }
  prefix=$("$py" -c 'import sys; print(sys.base_prefix)')
  echo "== base image from $DEBIAN_IMAGE + CPython $("$py" -c 'import platform; print(platform.python_version())') from $prefix"
  mkdir -p "$work/ctx/python"
  # The interpreter and its standard library, without its test suite and without anything a
  # tool of this machine added to its site-packages (only pip and setuptools are kept).
  (cd "$prefix" && tar -c --exclude='lib/python3.10/test' --exclude='__pycache__' \
     --exclude='lib/python3.10/site-packages/*.pth' --exclude='lib/python3.10/site-packages/_*' \
     bin include lib share) | tar -C "$work/ctx/python" -x
  # Console scripts name the interpreter by its path here; in the image it is /usr/local/bin.
  grep -lsI "^#!$prefix/bin/" "$work"/ctx/python/bin/* | xargs -r sed -i "1s|^#!$prefix/bin/|#!/usr/local/bin/|"
  cp base.Containerfile pip.conf "$work/ctx/"
  podman build "${BUILD_OPTS[@]}" --build-arg DEBIAN="$DEBIAN_IMAGE" -f "$work/ctx/base.Containerfile" \
    -t "$BASE_IMAGE" "$work/ctx"
fi

if ! have "$NGINX_IMAGE"; then
  podman build "${BUILD_OPTS[@]}" --build-arg DEBIAN="$DEBIAN_IMAGE" -f nginx.Containerfile -t "$NGINX_IMAGE" .
fi
if ! have "$REDIS_IMAGE"; then
  podman build "${BUILD_OPTS[@]}" --build-arg DEBIAN="$DEBIAN_IMAGE" -f redis.Containerfile -t "$REDIS_IMAGE" .
fi
podman images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E 'debian:bookworm-local|signpost-(base|nginx|redis)'
