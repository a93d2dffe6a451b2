#!/usr/bin/env bash
# Build the image with podman and run it as production would, against fake Telegram and Slack
# servers on 127.0.0.1: health, readiness, a question answered through Telegram, a subscription
# stored in the /data volume, SIGTERM, a clean exit, the data still there. Prints the image's
# size and the container's idle memory. Removes everything it built except the cached base.
#
# No registry is reachable here, so the base is made locally: Debian bookworm (debootstrap)
# with python3 and venv, cached under ${XDG_CACHE_HOME:-$HOME/.cache}/briefing-bot. Needs root,
# podman, runc and debootstrap (.ci/run installs them). PYTHON runs the fakes (default .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/briefing-bot
BASE_TAR=$CACHE/debian-bookworm-python3.tar
BASE=localhost/briefing-smoke-base:$$
IMAGE=localhost/briefing-bot:smoke-$$
NAME=briefing-smoke-$$
VOLUME=briefing-smoke-data-$$
WORK=$(mktemp -d)
FAKES_PID=
export CONTAINERS_CONF=$WORK/containers.conf
# This sandbox cannot raise podman's default ulimits: ask for none.
printf '[containers]\ndefault_ulimits = []\n' >"$CONTAINERS_CONF"

say() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; podman logs "$NAME" 2>/dev/null | tail -40 >&2 || true; exit 1; }

cleanup() {
  podman rm --force --time 0 "$NAME" >/dev/null 2>&1 || true
  podman volume rm --force "$VOLUME" >/dev/null 2>&1 || true
  podman rmi --force "$IMAGE" "$BASE" >/dev/null 2>&1 || true
  if [ -n "$FAKES_PID" ]; then kill "$FAKES_PID" 2>/dev/null || true; wait "$FAKES_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

make_base() {
  if [ ! -s "$BASE_TAR" ]; then
    say "debootstrap bookworm with python3 into $CACHE (once; about a minute)"
    mkdir -p "$CACHE"
    local root=$WORK/rootfs
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm "$root" \
      http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
      "$root"/usr/share/man/* "$root"/usr/share/locale/*
    tar -C "$root" -c . >"$BASE_TAR.partial" && mv "$BASE_TAR.partial" "$BASE_TAR"
    rm -rf "$root"
  fi
  podman import --quiet "$BASE_TAR" "$BASE" >/dev/null
}

free_port() { "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

http_get() {  # URL -> prints "STATUS BODY"
  "$PYTHON" - "$1" <<'EOF'
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
except OSError as e:
    print(0, type(e).__name__)
EOF
}

wait_for() {  # URL SECONDS -> waits for a 200
  local deadline=$((SECONDS + $2)) answer
  while [ $SECONDS -lt $deadline ]; do
    answer=$(http_get "$1")
    [ "${answer%% *}" = 200 ] && { echo "$answer"; return 0; }
    [ "$(podman inspect --format '{{.State.Running}}' "$NAME" 2>/dev/null)" = true ] || fail "the container stopped"
    sleep 0.5
  done
  fail "$1 answered '$answer' after $2 s"
}

say "base image"
make_base

say "podman build"
started=$SECONDS
# chroot isolation: crun cannot create containers here; the machine's CA bundle lets pip reach
# the index through whatever this network puts in between.
certs=()
[ -s /etc/ssl/certs/ca-certificates.crt ] && certs=(--volume /etc/ssl/certs:/etc/ssl/certs:ro)
podman build --quiet --isolation chroot --format docker --layers=false "${certs[@]}" \
  --build-arg BASE_IMAGE="$BASE" --tag "$IMAGE" . >/dev/null
say "built in $((SECONDS - started)) s"

say "fake Telegram and Slack"
"$PYTHON" scripts/fake_platforms.py serve --env-file "$WORK/fakes.env" &
FAKES_PID=$!
for _ in $(seq 100); do [ -s "$WORK/fakes.env" ] && break; sleep 0.1; done
[ -s "$WORK/fakes.env" ] || fail "the fakes did not start"
CONTROL=$(sed -n 's/^FAKES_CONTROL_URL=//p' "$WORK/fakes.env")
TOKEN=$(sed -n 's/^TELEGRAM_BOT_TOKEN=//p' "$WORK/fakes.env")

PORT=$(free_port)
BASE_URL=http://127.0.0.1:$PORT
podman volume create "$VOLUME" >/dev/null
say "podman run (as the image's user, port $PORT)"
# No systemd here to time the HEALTHCHECK: it is run by hand below (podman's complaint goes to a file).
podman run --detach --name "$NAME" --runtime runc --network host --health-interval disable \
  --env-file "$WORK/fakes.env" --env BRIEFING_PORT="$PORT" --env LOG_LEVEL=INFO \
  --volume "$VOLUME:/data" "$IMAGE" >/dev/null 2>"$WORK/podman.log" || { cat "$WORK/podman.log"; exit 1; }

wait_for "$BASE_URL/healthz" 60 >/dev/null
say "/healthz ok"
podman healthcheck run "$NAME" >/dev/null || fail "the image's HEALTHCHECK failed"
say "HEALTHCHECK ok"
say "/readyz: $(wait_for "$BASE_URL/readyz" 60)"

PID=$(podman inspect --format '{{.State.Pid}}' "$NAME")
uid=$(awk '/^Uid:/ {print $2}' "/proc/$PID/status")
[ "$uid" != 0 ] || fail "the bot runs as root"
say "runs as uid $uid"

answer=$("$PYTHON" scripts/fake_platforms.py ask "$CONTROL" "/who lavrov") || fail "no answer to /who lavrov"
grep -q "Lavrov" <<<"$answer" || fail "unexpected answer: $answer"
say "Telegram: /who lavrov -> $(head -1 <<<"$answer")"
answer=$("$PYTHON" scripts/fake_platforms.py ask "$CONTROL" "/subscribe") || fail "no answer to /subscribe"
say "Telegram: /subscribe -> $(head -1 <<<"$answer")"
metrics=$(http_get "$BASE_URL/metrics")
grep -q 'briefing_commands_total{command="who",outcome="card",platform="telegram"} 1.0' <<<"$metrics" \
  || fail "/metrics did not count the command"
say "/metrics counted the commands"

sleep 2  # idle: nothing but long polling
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
printf 'image size: %s MB\nidle memory (RSS of the bot process): %s MB\n' \
  "$((size / 1000000))" "$((rss_kb / 1024))"

say "SIGTERM (podman stop)"
started=$SECONDS
podman stop --time 30 "$NAME" >/dev/null 2>>"$WORK/podman.log"
code=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
say "exited 0 after $((SECONDS - started)) s"
logs=$(podman logs "$NAME" 2>&1)
grep -q '"event": "stopped"' <<<"$logs" || fail "no 'stopped' line in the log"
! grep -qF "$TOKEN" <<<"$logs" || fail "the Telegram token appears in the log"
! grep -q 'Traceback' <<<"$logs" || fail "a traceback in the log"

data=$(podman volume inspect --format '{{.Mountpoint}}' "$VOLUME")
subscriptions=$("$PYTHON" - "$data/briefing.sqlite3" <<'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("select count(*) from subscriptions where active").fetchone()[0])
EOF
)
[ "$subscriptions" -ge 1 ] || fail "the subscription did not survive in the volume"
say "the volume keeps $subscriptions active subscription(s)"
say "container smoke test passed"
