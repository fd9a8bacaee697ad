#!/usr/bin/env bash
# I/O benchmark: read → parse → write a >= 100 MB .jsonl.zst corpus of real text through a
# pass-through step, for three contenders on the same input in the same run:
#   winnow      $WINNOW run PIPELINE.yaml   (one `filter` step with no rules)
#   datatrove   JsonlReader → JsonlWriter(compression="zstd") under LocalPipelineExecutor
#               (at zstd level 3 like the others, plus "as shipped": fsspec's level 10 on Python < 3.14)
#   zstd floor  zstd -dc shard | zstd -3 > out, per shard: the cost of the (de)compression alone
# and prints a markdown table (stdout only; progress goes to stderr) of MB/s of uncompressed JSONL
# per core (bytes / user+sys CPU seconds of all processes involved) and per wall-clock second.
#
# Usage: Scripts/bench/io.sh [--skip-winnow] [--workers 1,2] [--reps 3] [--target-mb 120] [--keep]
#   WINNOW=path/to/winnow    default <repo>/.build/release/winnow (build it: swift build -c release)
#   WINNOW_BENCH_DIR=dir     cache for the corpus and scratch space (default /tmp/winnow-bench)
#
# Every run is checked: its output must decompress to exactly the input's documents (count, and an
# order-independent digest of id+text), so a contender that does nothing cannot post a time.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
bench_dir="${WINNOW_BENCH_DIR:-/tmp/winnow-bench}"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"

skip_winnow=0
workers_list="1,2"
reps=3
target_mb=120
keep=0
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }
while (($#)); do
  case "$1" in
    --skip-winnow) skip_winnow=1 ;;
    --workers) workers_list="${2:?--workers needs a list such as 1,2}"; shift ;;
    --workers=*) workers_list="${1#*=}" ;;
    --reps) reps="${2:?--reps needs a number}"; shift ;;
    --reps=*) reps="${1#*=}" ;;
    --target-mb) target_mb="${2:?--target-mb needs a number}"; shift ;;
    --target-mb=*) target_mb="${1#*=}" ;;
    --keep) keep=1 ;;
    -h|--help) usage 0 ;;
    *) echo "io.sh: unknown argument: $1" >&2; usage ;;
  esac
  shift
done
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "io.sh: --reps must be a positive integer" >&2; exit 2; }
IFS=, read -r -a workers_arr <<<"$workers_list"
for w in "${workers_arr[@]}"; do
  [[ "$w" =~ ^[1-9][0-9]*$ ]] || { echo "io.sh: --workers must be a comma-separated list of positive integers" >&2; exit 2; }
done

log() { echo "io.sh: $*" >&2; }
die() { echo "io.sh: error: $*" >&2; exit 1; }

# 1. Check the Winnow binary before anything slow, so a missing build fails in a second.
if ((!skip_winnow)); then
  if [[ ! -x "$winnow" ]]; then
    die "Winnow binary not found or not executable: $winnow
  Build it first:  (cd '$repo_root' && swift build -c release)
  or point WINNOW=/path/to/winnow at one, or pass --skip-winnow to run only the peers."
  fi
  winnow="$(cd "$(dirname "$winnow")" && pwd)/$(basename "$winnow")"  # absolute: we cd elsewhere
fi

# 2. Tools and the text the corpus is made from. Packages are installed only when missing.
command -v zstd >/dev/null || die "the zstd CLI is missing: apt-get install -y zstd"
text_pkgs=(debian-handbook debian-reference-common debian-reference-de debian-reference-en debian-reference-es
  debian-reference-fr debian-reference-id debian-reference-it debian-reference-ja debian-reference-pt
  debian-reference-pt-br debian-reference-zh-cn debian-reference-zh-tw)
missing=()
for p in "${text_pkgs[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  # Only the corpus builder needs them, and only if the corpus is not cached yet; but a cached corpus
  # with a stamp naming other package versions would be rebuilt anyway, so install up front.
  if [[ $EUID -eq 0 ]]; then
    log "installing the corpus text sources: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
      "${missing[@]}" >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y \
             --no-install-recommends "${missing[@]}" >&2; }
  else
    die "missing packages (run as root): apt-get install -y ${missing[*]}"
  fi
fi

# 3. Peers (datatrove, in a private venv) and the corpus; both are cached and re-used.
py="$("$here/peers.sh" | tail -n 1)"
corpus="$("$py" "$here/make-corpus.py" --out "$bench_dir/corpus" --target-mb "$target_mb" | tail -n 1)"
mapfile -t shards < <(find "$corpus" -maxdepth 1 -name '*.jsonl.zst' | sort)
((${#shards[@]})) || die "no shards in $corpus"
# The pipeline YAML takes the input glob as a plain (unquoted) YAML scalar; refuse paths that would
# need quoting rather than hand Winnow a YAML document that means something else.
[[ "$corpus" =~ ^[A-Za-z0-9_./+-]+$ ]] || die "corpus path must match [A-Za-z0-9_./+-]+ (set WINNOW_BENCH_DIR): $corpus"

# The expected output of every contender: the input's documents.
log "checking the input corpus (${#shards[@]} shards)"
input_json="$("$py" "$here/benchutil.py" digest "${shards[@]}")"
jget() { "$py" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
in_docs="$(jget "$input_json" docs)"
in_bytes="$(jget "$input_json" bytes)"
in_digest="$(jget "$input_json" digest)"
[[ "$(jget "$input_json" unparsable)" == 0 ]] || die "the input corpus has unparsable lines"
((in_bytes >= 100000000)) || die "the corpus has only $in_bytes bytes; need >= 100 MB (raise --target-mb)"
log "input: $in_docs docs, $in_bytes bytes uncompressed"

# Scratch space for this run; removed at exit unless --keep.
mkdir -p "$bench_dir"
run_dir="$(mktemp -d "$bench_dir/run.XXXXXX")"
# Kept on failure too, so the contender's log can be read.
cleanup() {
  local rc=$?
  if ((keep || rc != 0)); then log "kept $run_dir (logs: $run_dir/*.log)"; else rm -rf "$run_dir"; fi
}
trap cleanup EXIT
results="$run_dir/results.tsv"
: >"$results"

# The output of one contender (files matching $3 under $2) must hold exactly the input documents.
verify() {
  local name="$1" dir="$2" pattern="$3" files out
  mapfile -t files < <(find "$dir" -name "$pattern" -type f 2>/dev/null | sort)
  ((${#files[@]})) || die "$name wrote no $pattern files under $dir"
  out="$("$py" "$here/benchutil.py" digest "${files[@]}")"
  local docs digest
  docs="$(jget "$out" docs)"; digest="$(jget "$out" digest)"
  [[ "$docs" == "$in_docs" ]] || die "$name: output has $docs documents, input has $in_docs"
  [[ "$digest" == "$in_digest" ]] || die "$name: same document count but different ids/texts than the input"
  du -cb "${files[@]}" | tail -n 1 | cut -f 1   # compressed output size, for the table
}

# Run one contender under the CPU meter, verify it, append a result row.
#   measure KEY LABEL WORKERS REP OUTDIR PATTERN -- CMD...
measure() {
  local key="$1" label="$2" w="$3" rep="$4" outdir="$5" pattern="$6"; shift 7
  local tag="$key-w$w-r$rep" j wall cpu zst
  j="$run_dir/$tag.json"
  log "run $tag"
  if ! "$py" "$here/benchutil.py" run --json "$j" --log "$run_dir/$tag.log" -- "$@"; then
    tail -n 20 "$run_dir/$tag.log" >&2 || true
    die "$label (workers=$w) failed; log above"
  fi
  zst="$(verify "$label" "$outdir" "$pattern")"
  wall="$(jget "$(cat "$j")" wall_s)"; cpu="$(jget "$(cat "$j")" cpu_s)"
  log "  $tag: wall ${wall}s cpu ${cpu}s, output verified ($in_docs docs)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$label" "$w" "$rep" "$wall" "$cpu" "$zst" >>"$results"
  rm -rf "$outdir"  # keep the scratch space small across repetitions
}

# The floor: decompress and recompress each shard, WORKERS shards at a time. -T1 = one compression
# thread per zstd, so WORKERS is the only parallelism, as for the other contenders.
cat >"$run_dir/zstd-floor.sh" <<'EOF'
set -euo pipefail
out="$1"; w="$2"; shift 2
printf '%s\0' "$@" |
  xargs -0 -n 1 -P "$w" bash -c 'set -euo pipefail; zstd -q -dc -- "$1" | zstd -q -3 -T1 -c >"$0/${1##*/}"' "$out"
EOF

for w in "${workers_arr[@]}"; do
  for ((rep = 1; rep <= reps; rep++)); do
    # Contenders alternate within each repetition, so slow phases of a shared machine hit all of them.
    if ((!skip_winnow)); then
      d="$run_dir/winnow-w$w-r$rep"; mkdir -p "$d"
      cat >"$d/pipeline.yaml" <<EOF
name: io-bench
workdir: $d/winnow-run
seed: 1
input: [$corpus/*.jsonl.zst]
executor: local
workers: $w
steps:
  - id: copy
    stage: filter
    from: input
    rules: []
EOF
      # Run from the scratch dir so nothing lands in the repo.
      # shellcheck disable=SC2016  # expanded by the inner bash, on purpose
      measure winnow "Winnow" "$w" "$rep" "$d/winnow-run/copy/output" '*.jsonl.zst' -- \
        bash -c 'cd "$1" && exec "$2" run "$1/pipeline.yaml"' _ "$d" "$winnow"
      rm -rf "$d"
    fi

    d="$run_dir/dt-w$w-r$rep"
    measure datatrove "datatrove 0.10.1 (zstd -3)" "$w" "$rep" "$d/out" '*.jsonl.zst' -- \
      "$py" "$here/dt-copy.py" --input "$corpus" --output "$d/out" --logs "$d/logs" \
      --tasks "${#shards[@]}" --workers "$w" --zstd-level 3
    rm -rf "$d"

    d="$run_dir/dts-w$w-r$rep"
    measure datatrove-shipped "datatrove 0.10.1 (as shipped: zstd -10)" "$w" "$rep" "$d/out" '*.jsonl.zst' -- \
      "$py" "$here/dt-copy.py" --input "$corpus" --output "$d/out" --logs "$d/logs" \
      --tasks "${#shards[@]}" --workers "$w" --zstd-level shipped
    rm -rf "$d"

    d="$run_dir/zstd-w$w-r$rep"; mkdir -p "$d/out"
    measure zstd-floor "zstd -dc \| zstd -3 (floor)" "$w" "$rep" "$d/out" '*.jsonl.zst' -- \
      bash "$run_dir/zstd-floor.sh" "$d/out" "$w" "${shards[@]}"
    rm -rf "$d"
  done
done

versions="datatrove $("$py" -c 'from importlib.metadata import version as v; print(v("datatrove"), "(orjson", v("orjson") + ", zstandard", v("zstandard") + ", fsspec", v("fsspec") + ")")'), $(zstd -V | sed 's/^\*\*\* //; s/ by .*//; s/, *$//')"
if ((!skip_winnow)); then
  # Identify the build: the repo's commit (the binary may not know its own version).
  versions="winnow $(git -C "$repo_root" describe --always --dirty 2>/dev/null || echo 'uncommitted') ($winnow), $versions"
fi
"$py" "$here/benchutil.py" report --results "$results" --bytes "$in_bytes" --docs "$in_docs" \
  --versions "$versions" \
  --corpus-note "$in_docs documents, $(awk -v b="$in_bytes" 'BEGIN{printf "%.1f", b/1e6}') MB JSONL in ${#shards[@]} zstd shards (Debian handbook + Debian reference HTML, visible text, ~25 languages, repeated as re-cut crawls; Scripts/bench/make-corpus.py)"
