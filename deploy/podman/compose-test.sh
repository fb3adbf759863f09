#!/usr/bin/env bash
# `make compose-test`: the stack of docker-compose.yml, run under podman on this machine, and a
# smoke test through its nginx (deploy/podman/smoke_test.py).
#
# The stack is the compose file's, service for service and setting for setting: nginx with TLS
# (a throw-away self-signed certificate made here with openssl), two API containers with two
# uvicorn workers each, the action server, Redis with append-only persistence; every container
# non-root with a read-only root file system and a tmpfs /tmp. What differs, and why:
#   - podman run, not podman-compose: every container is on the host network, bound to
#     127.0.0.1 on ports of its own (below), because the compose file's bridge network would put
#     the test's traffic on private-range container addresses, which a test here must not use.
#     So the services reach each other on 127.0.0.1:PORT instead of NAME:PORT.
#   - nginx.conf is the repository's deploy/nginx.conf with its listen and upstream addresses
#     rewritten to those ports, and one header added for the test (X-Test-Upstream: the replica
#     that answered), so the test can show that turns landed on both replicas.
#   - the local images (make-base.sh): Debian's nginx and redis-server instead of the registry's.
# KEEP=1 leaves the stack running afterwards (remove it with: deploy/podman/compose-test.sh down).
set -euo pipefail
source "$(dirname "$0")/env.sh"
ROOT="$(cd "$PODMAN_DIR/../.." && pwd)"
P=${COMPOSE_TEST_PREFIX:-signpost-test}
HTTPS_PORT=${HTTPS_PORT:-18443}; HTTP_PORT=${HTTP_PORT:-18080}
API1_PORT=18001; API2_PORT=18002; ACTIONS_PORT=15055; REDIS_PORT=16379
CONTAINERS=("$P-proxy" "$P-api-1" "$P-api-2" "$P-actions" "$P-redis")

down() {
  podman rm -f -t 10 "${CONTAINERS[@]}" >/dev/null 2>&1 || true
  podman volume rm -f "$P-redis-data" >/dev/null 2>&1 || true
}
if [ "${1:-}" = down ]; then down; exit 0; fi

t0=$(date +%s)
for image in "$IMAGE" "$NGINX_IMAGE" "$REDIS_IMAGE"; do
  podman image exists "$image" || { echo "error: no image $image: run \`make image\` first" >&2; exit 1; }
done
for port in $HTTPS_PORT $HTTP_PORT $API1_PORT $API2_PORT $ACTIONS_PORT $REDIS_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "error: 127.0.0.1:$port is in use" >&2; exit 1; fi
done
down
work=$(mktemp -d /tmp/signpost-compose-test.XXXXXX)
cleanup() {
  status=$?
  if [ $status -ne 0 ]; then
    for c in "${CONTAINERS[@]}"; do echo "---- logs: $c (last 15 lines)"; podman logs --tail 15 "$c" 2>&1 || true; done
  fi
  [ -n "${KEEP:-}" ] || down
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT

# Secrets, as the compose file asks for them: one random value each, shared by every replica.
export SIGNPOST_CLIENT_KEY_SECRET=$(openssl rand -hex 32) SIGNPOST_SESSION_SECRET=$(openssl rand -hex 32)
export SIGNPOST_ACTION_TOKEN=$(openssl rand -hex 32) SIGNPOST_METRICS_TOKEN=$(openssl rand -hex 32)

# A throw-away certificate for 127.0.0.1 (valid one day), made for this run only.
mkdir -p "$work/certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$work/certs/privkey.pem" -out "$work/certs/fullchain.pem" 2>/dev/null
chmod 0755 "$work/certs"; chmod 0644 "$work/certs"/*.pem   # readable by nginx's non-root user

# deploy/nginx.conf with this run's addresses; every rewrite must have happened exactly as planned.
sed -e "s/listen 80;/listen 127.0.0.1:$HTTP_PORT;/" \
    -e "s/listen 443 ssl http2;/listen 127.0.0.1:$HTTPS_PORT ssl http2;/" \
    -e '/listen \[::\]/d' \
    -e "s/server api-1:8000 /server 127.0.0.1:$API1_PORT /" \
    -e "s/server api-2:8000 /server 127.0.0.1:$API2_PORT /" \
    -e 's/^\( *\)add_header Strict-Transport-Security \(.*\)$/&\n\1add_header X-Test-Upstream $upstream_addr always;/' \
    -e "s|return 301 https://\$host\$request_uri;|return 301 https://\$host:$HTTPS_PORT\$request_uri;|" \
    "$ROOT/deploy/nginx.conf" > "$work/nginx.conf"
for expect in "listen 127.0.0.1:$HTTP_PORT;" "listen 127.0.0.1:$HTTPS_PORT ssl http2;" "server 127.0.0.1:$API1_PORT " \
              "server 127.0.0.1:$API2_PORT " 'add_header X-Test-Upstream'; do
  [ "$(grep -cF "$expect" "$work/nginx.conf")" = 1 ] || { echo "error: nginx.conf rewrite failed: $expect" >&2; exit 1; }
done

# What every container gets: the host network, the machine's limits, a read-only root file
# system with a tmpfs /tmp, no capabilities, no privilege gain (the compose file's settings).
COMMON=(--ulimit host --network host --read-only --read-only-tmpfs=false --tmpfs /tmp:rw,nosuid,nodev,size=256m
        --cap-drop all --security-opt no-new-privileges --restart no)
API_ENV=(-e SIGNPOST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
         -e SIGNPOST_ACTION_SERVER_URL=http://127.0.0.1:$ACTIONS_PORT/webhook
         -e SIGNPOST_ACTION_TOKEN -e SIGNPOST_CLIENT_KEY_SECRET -e SIGNPOST_SESSION_SECRET -e SIGNPOST_METRICS_TOKEN
         -e SIGNPOST_SESSION_EXPIRY_MINUTES=30 -e SIGNPOST_TRUSTED_PROXIES=127.0.0.1 -e WEB_CONCURRENCY=2)

echo "== starting the stack (images: $IMAGE, $NGINX_IMAGE, $REDIS_IMAGE)"
podman volume create "$P-redis-data" >/dev/null
podman run -d --name "$P-redis" "${COMMON[@]}" -v "$P-redis-data:/data" "$REDIS_IMAGE" \
  redis-server --bind 127.0.0.1 --port $REDIS_PORT --dir /data --save "" \
  --appendonly yes --appendfsync everysec >/dev/null
podman run -d --name "$P-actions" "${COMMON[@]}" -e SIGNPOST_ACTION_TOKEN "$IMAGE" \
  python -m actions --host 127.0.0.1 --port $ACTIONS_PORT >/dev/null
t_api=$(date +%s.%N)
for n in 1 2; do
  port=$API1_PORT; [ $n = 2 ] && port=$API2_PORT
  podman run -d --name "$P-api-$n" "${COMMON[@]}" "${API_ENV[@]}" "$IMAGE" \
    python -m api.serve --no-action-server --host 127.0.0.1 --port $port >/dev/null
done
podman run -d --name "$P-proxy" "${COMMON[@]}" --user www-data \
  -v "$work/nginx.conf:/etc/nginx/nginx.conf:ro" -v "$work/certs:/etc/nginx/certs:ro" "$NGINX_IMAGE" >/dev/null

# Ready: every worker of both API containers has loaded its model, and /readyz through nginx is 200.
ready=
for _ in $(seq 1 300); do
  n1=$(podman logs "$P-api-1" 2>&1 | grep -c 'Application startup complete' || true)
  n2=$(podman logs "$P-api-2" 2>&1 | grep -c 'Application startup complete' || true)
  if [ "$n1" -ge 2 ] && [ "$n2" -ge 2 ] && \
     curl -fsS --cacert "$work/certs/fullchain.pem" "https://127.0.0.1:$HTTPS_PORT/readyz" >/dev/null 2>&1; then
    ready=1; break
  fi
  for c in "${CONTAINERS[@]}"; do
    [ "$(podman inspect -f '{{.State.Running}}' "$c")" = true ] || { echo "error: $c stopped" >&2; exit 1; }
  done
  sleep 1
done
[ -n "$ready" ] || { echo "error: the stack was not ready within 300 s" >&2; exit 1; }
t_ready=$(date +%s.%N)
echo "compose-test: stack ready: 2 API containers x 2 workers ready $(awk "BEGIN {printf \"%.1f\", $t_ready - $t_api}") s after they were started"

export SMOKE_PROXY="https://127.0.0.1:$HTTPS_PORT" SMOKE_PROXY_HTTP="http://127.0.0.1:$HTTP_PORT" SMOKE_CA="$work/certs/fullchain.pem"
export SMOKE_API_1="http://127.0.0.1:$API1_PORT" SMOKE_API_2="http://127.0.0.1:$API2_PORT" SMOKE_PREFIX="$P"
export SMOKE_REDIS_PORT=$REDIS_PORT
PY=${PY:-$ROOT/.venv/bin/python}
"$PY" -m pytest -p no:cacheprovider -o addopts="-ra -p no:warnings" -v -s "$PODMAN_DIR/smoke_test.py"

# Memory after the smoke test's turns: podman stats per container, and RSS per process.
echo "== memory after the smoke test"
podman stats --no-stream --format '{{.Name}}  mem {{.MemUsage}}' "${CONTAINERS[@]}" 2>/dev/null || echo "(podman stats not available here)"
for c in "${CONTAINERS[@]}"; do
  podman top "$c" hpid user args 2>/dev/null | tail -n +2 | while read -r hpid user args; do
    rss=$(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$hpid/status" 2>/dev/null || echo "?")
    printf '  %-20s user %-9s rss %5s MB  %s\n' "$c" "$user" "$rss" "${args:0:70}"
  done
done
echo "  redis: $(podman exec "$P-redis" redis-cli -p $REDIS_PORT dbsize) keys, $(podman exec "$P-redis" redis-cli -p $REDIS_PORT info memory | tr -d '\r' | awk -F: '/^used_memory_human:/ {print $2}') used, append-only file $(podman exec "$P-redis" sh -c 'du -sh /data | cut -f1')"
echo "compose-test: total $(( $(date +%s) - t0 )) s"
