# Sourced by the podman scripts: the settings that make podman work on the project's machines
# (see containers.conf) and the options every build uses.
PODMAN_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PODMAN_DIR/containers.conf}"
# The builder may not raise limits above the machine's hard limits (--ulimit host is refused by
# build); chroot isolation and the host network (the Debian archive and PyPI, no registry).
BUILD_OPTS=(--isolation chroot --network host
            --ulimit "nofile=${BUILD_NOFILE:-20000}:${BUILD_NOFILE:-20000}"
            --ulimit "nproc=${BUILD_NPROC:-32768}:${BUILD_NPROC:-32768}")
# The project image's build (pip, over TLS) also sees the host's certificate store, so that a
# build behind a TLS-inspecting proxy the host trusts works the same way. Mounted only while
# building (not in the image), and not for the base images, whose apt-get installs
# ca-certificates (plain HTTP from the Debian archive, signed by its keys).
IMAGE_BUILD_OPTS=("${BUILD_OPTS[@]}")
if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  IMAGE_BUILD_OPTS+=(-v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro)
fi
DEBIAN_IMAGE=${DEBIAN_IMAGE:-localhost/debian:bookworm-local}
BASE_IMAGE=${BASE_IMAGE:-localhost/signpost-base:bookworm-py3.10}
NGINX_IMAGE=${NGINX_IMAGE:-localhost/signpost-nginx:bookworm}
REDIS_IMAGE=${REDIS_IMAGE:-localhost/signpost-redis:bookworm}
IMAGE=${IMAGE:-localhost/signpost-assistant:latest}
