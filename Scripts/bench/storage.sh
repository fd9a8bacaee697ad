#!/usr/bin/env bash
# Object-storage benchmark: a pass-through step (filter, no rules) over the >= 100 MB .jsonl.zst
# corpus of io.sh, for these contenders on the same corpus in the same run:
#   winnow local    input and output on local disk (the baseline)
#   winnow s3       input s3://BUCKET/in/*.jsonl.zst, output: s3://BUCKET/out-… (the local store)
#   winnow s3 +20ms the same through Scripts/s3/fault-proxy.py adding 20 ms to every request
#   datatrove s3    JsonlReader(s3://…) -> JsonlWriter(s3://…) through fsspec/s3fs, zstd level 3
# and prints MB/s of uncompressed JSONL per wall-clock second and the ratios the issue sets goals
# for (s3 / local >= 0.9, s3+20ms / local >= 0.8, winnow s3 / datatrove s3 >= 5).
#
# Usage: Scripts/bench/storage.sh [--workers 2] [--reps 2]
#   WINNOW=path/to/winnow   default <repo>/.build/release/winnow
#   STORAGE_VENV=dir        the peers' venv (datatrove, s3fs), default <repo>/.venv-storage
# The local store (Scripts/s3/local-store.sh) is started if it is not running, and stopped again.
# Every output is checked: it must hold exactly the input's documents (benchutil.py digest).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
winnow="${WINNOW:-$repo/.build/release/winnow}"
venv="${STORAGE_VENV:-$repo/.venv-storage}"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
workers=2
reps=2
while (($#)); do
  case "$1" in
    --workers) workers="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    *) echo "storage.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "storage.sh: $*" >&2; }
die() { echo "storage.sh: error: $*" >&2; exit 1; }
[[ -x "$winnow" ]] || die "no winnow binary at $winnow (swift build -c release)"

if [[ ! -x "$venv/bin/python" ]]; then
  log "creating $venv (datatrove, s3fs)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "datatrove==0.10.1" "s3fs==2026.9.0" "zstandard==0.25.0" "orjson==3.13.0" >&2
fi
py="$venv/bin/python"

store_started=""
"$repo/Scripts/s3/local-store.sh" status || store_started=1
eval "$("$repo/Scripts/s3/local-store.sh" up)"
run_dir="$(mktemp -d "$bench_dir/storage.XXXXXX")"
proxy_pid=""
cleanup() {
  [[ -n "$proxy_pid" ]] && kill "$proxy_pid" 2>/dev/null || true
  [[ -n "$store_started" ]] && "$repo/Scripts/s3/local-store.sh" down || true
  rm -rf "$run_dir"
}
trap cleanup EXIT

corpus="$("$py" "$here/make-corpus.py" --out "$bench_dir/corpus" --target-mb 120 | tail -n 1)"
mapfile -t shards < <(find "$corpus" -maxdepth 1 -name '*.jsonl.zst' | sort)
input_json="$("$py" "$here/benchutil.py" digest "${shards[@]}")"
jget() { "$py" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
in_docs="$(jget "$input_json" docs)"; in_bytes="$(jget "$input_json" bytes)"; in_digest="$(jget "$input_json" digest)"
bucket="bench-$$"
log "uploading ${#shards[@]} shards to s3://$bucket/in/"
"$py" "$here/s3util.py" upload "$bucket/in" "${shards[@]}"

python3 "$repo/Scripts/s3/fault-proxy.py" --upstream "$AWS_ENDPOINT_URL" --latency-ms 20 >"$run_dir/proxy.port" &
proxy_pid=$!
for _ in $(seq 50); do [[ -s "$run_dir/proxy.port" ]] && break; sleep 0.1; done
slow_endpoint="http://127.0.0.1:$(head -n 1 "$run_dir/proxy.port")"

# verify NAME DIR: the .jsonl.zst files in DIR hold exactly the input's documents.
verify() {
  local out; out="$("$py" "$here/benchutil.py" digest "$2"/*.jsonl.zst)"
  [[ "$(jget "$out" docs)" == "$in_docs" && "$(jget "$out" digest)" == "$in_digest" ]] || die "$1: output differs from the input"
}
# fetch PREFIX DIR: an s3 output's objects, for verify.
fetch() { "$py" "$here/s3util.py" download "$bucket/$1" "$2"; }
pipeline() {  # pipeline FILE WORKDIR INPUT [OUTPUT]
  { echo "name: storage-bench"; echo "workdir: $2"; echo "input: [$3]"; echo "workers: $workers"
    echo "steps:"; echo "  - id: copy"; echo "    stage: filter"; echo "    from: input"
    [[ -n "${4:-}" ]] && echo "    output: $4"
    echo "    rules: []"; } >"$1"
}
results="$run_dir/results.tsv"; : >"$results"
timed() {  # timed KEY CMD...: appends KEY and wall seconds
  local key="$1"; shift
  "$py" "$here/benchutil.py" run --json "$run_dir/t.json" --log "$run_dir/$key.log" -- "$@" || { tail "$run_dir/$key.log" >&2; die "$key failed"; }
  printf '%s\t%s\n' "$key" "$(jget "$(cat "$run_dir/t.json")" wall_s)" >>"$results"
  log "  $key: $(jget "$(cat "$run_dir/t.json")" wall_s) s"
}

for ((rep = 1; rep <= reps; rep++)); do
  d="$run_dir/r$rep"; mkdir -p "$d"
  pipeline "$d/local.yaml" "$d/local" "$corpus/*.jsonl.zst"
  timed local "$winnow" run "$d/local.yaml"
  verify "winnow local" "$d/local/copy/output"; rm -rf "$d/local"

  pipeline "$d/s3.yaml" "$d/s3" "s3://$bucket/in/*.jsonl.zst" "s3://$bucket/out-s3-$rep"
  timed s3 "$winnow" run "$d/s3.yaml"
  fetch "out-s3-$rep" "$d/got-s3"; verify "winnow s3" "$d/got-s3"

  pipeline "$d/slow.yaml" "$d/slow" "s3://$bucket/in/*.jsonl.zst" "s3://$bucket/out-slow-$rep"
  timed s3-20ms env AWS_ENDPOINT_URL="$slow_endpoint" "$winnow" run "$d/slow.yaml"
  fetch "out-slow-$rep" "$d/got-slow"; verify "winnow s3 +20ms" "$d/got-slow"

  timed datatrove-s3 "$py" "$here/dt-s3-copy.py" --input "s3://$bucket/in" --output "s3://$bucket/out-dt-$rep" \
    --logs "$d/dt-logs" --tasks "${#shards[@]}" --workers "$workers" --endpoint "$AWS_ENDPOINT_URL"
  fetch "out-dt-$rep" "$d/got-dt"; verify "datatrove s3" "$d/got-dt"
  rm -rf "$d"
done
"$py" "$here/s3util.py" remove "$bucket"

"$py" - "$results" "$in_bytes" "$workers" <<'PY'
import sys, statistics
rows = [line.split("\t") for line in open(sys.argv[1]).read().splitlines()]
mb = int(sys.argv[2]) / 1e6
best = {}
for key, wall in rows:
    best[key] = min(best.get(key, 1e9), float(wall))
rate = {k: mb / v for k, v in best.items()}
print(f"Pass-through of {mb:.0f} MB of JSONL (uncompressed), {sys.argv[3]} workers, best of the repetitions:\n")
print("| contender | wall s | MB/s |")
print("|---|---|---|")
names = {"local": "winnow, local disk", "s3": "winnow, s3:// in and out (loopback SeaweedFS)",
         "s3-20ms": "winnow, s3:// with 20 ms added per request", "datatrove-s3": "datatrove 0.10.1 via fsspec/s3fs, s3:// in and out"}
for key in ["local", "s3", "s3-20ms", "datatrove-s3"]:
    print(f"| {names[key]} | {best[key]:.1f} | {rate[key]:.1f} |")
print()
print(f"s3 / local: {rate['s3'] / rate['local']:.2f}x (goal >= 0.9)")
print(f"s3 +20 ms / local: {rate['s3-20ms'] / rate['local']:.2f}x (goal >= 0.8)")
print(f"winnow s3 / datatrove s3: {rate['s3'] / rate['datatrove-s3']:.1f}x (goal >= 5)")
PY
