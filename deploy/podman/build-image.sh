#!/usr/bin/env bash
# `make image`: the project's image, built with podman from the repository's Dockerfile on the
# local base (make-base.sh makes the base images when missing). The same Dockerfile builds with
# its default BASE=python:3.10-slim where a registry is reachable.
set -euo pipefail
source "$(dirname "$0")/env.sh"
started=$(date +%s)
"$PODMAN_DIR/make-base.sh"
based=$(date +%s)
cd "$PODMAN_DIR/../.."
podman build "${IMAGE_BUILD_OPTS[@]}" --build-arg BASE="$BASE_IMAGE" -t "$IMAGE" -f Dockerfile .
done_at=$(date +%s)
# The image this one replaced, untagged now: its layers would fill the disk build after build.
podman image prune -f >/dev/null
echo "image: $IMAGE ($(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
echo "image: base images $((based - started)) s, project image $((done_at - based)) s, total $((done_at - started)) s"
