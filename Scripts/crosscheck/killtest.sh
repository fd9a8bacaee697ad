#!/usr/bin/env bash
# Kill test: SIGKILLs a pipeline run at random points, resumes it, and compares every file it
# wrote with an uninterrupted run's, byte for byte.
#
#   Scripts/crosscheck/killtest.sh [--kills 20] [--seed N] [--keep] [PIPELINE]
#
# PIPELINE defaults to Pipelines/quickstart.yaml (release build, built here if missing). The
# kill points are random moments within the uninterrupted run's length; each time, `winnow run`
# starts in its own process group and is sent SIGKILL as a group (runner and tasks at once, as
# a lost machine would) when the next point is reached. One last run finishes the pipeline. Files that are
# meant to differ between runs are left out of the comparison: the ledger, the lock, logs,
# stats (timings), progress and result files. Prints the differences; exits 1 if any.
set -euo pipefail
cd "$(dirname "$0")/../.."

kills=20
seed=$RANDOM
keep=""
pipeline=Pipelines/quickstart.yaml
while (($#)); do
    case "$1" in
        --kills) kills="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) pipeline="$1"; shift ;;
    esac
done

binary=.build/release/winnow
[[ -x "$binary" ]] || swift build -c release --product winnow >&2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/winnow-killtest-XXXXXX")
[[ -n "$keep" ]] || trap 'rm -rf "$scratch"' EXIT

# The same pipeline with its workdir moved into the scratch folder.
with_workdir() {
    local workdir="$1" out="$2"
    if grep -q '^workdir:' "$pipeline"; then
        sed "s|^workdir:.*|workdir: $workdir|" "$pipeline" >"$out"
    else
        { cat "$pipeline"; echo "workdir: $workdir"; } >"$out"
    fi
}
# Both runs use the same workdir path (files such as dedup's manifests name the shards they
# read, which live in the workdir): the uninterrupted run's is moved aside when it is done.
with_workdir "$scratch/run" "$scratch/run.yaml"

start=$(date +%s.%N)
"$binary" run "$scratch/run.yaml" >"$scratch/reference.log" 2>&1 || { cat "$scratch/reference.log"; exit 2; }
mv "$scratch/run" "$scratch/reference"
duration_ms=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%d", (b - a) * 1000 }')
duration=$(awk -v m="$duration_ms" 'BEGIN { printf "%.1f", m / 1000 }')
echo "killtest: uninterrupted run took ${duration}s; killing the other $kills times (seed $seed)" >&2

# The kill points: $kills random moments of the uninterrupted run's length, in order. Each
# resumed run is killed after the gap to the next point, so the kills spread over the whole
# pipeline (every step, early and late in a task) instead of all landing in its first seconds.
RANDOM=$seed
points=$(for ((k = 0; k < kills; k++)); do echo $(( (RANDOM * 32768 + RANDOM) % (duration_ms + 1) )); done | sort -n)
previous=0
k=0
for point in $points; do
    k=$((k + 1))
    delay_ms=$((point - previous))
    previous=$point
    setsid "$binary" run "$scratch/run.yaml" >>"$scratch/killed.log" 2>&1 &
    runner=$!
    sleep "$(awk -v m="$delay_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    if kill -0 "$runner" 2>/dev/null; then
        kill -KILL -- "-$runner" 2>/dev/null || true
        where="killed"
    else
        where="finished before the kill"
    fi
    wait "$runner" 2>/dev/null || true
    step=$(grep -oE '^step [^ ]+' "$scratch/killed.log" | tail -1 | cut -d' ' -f2)
    echo "killtest: kill $k at ${point} ms of the run's length (after ${delay_ms} ms), in step ${step:-?}: $where" >&2
done
"$binary" run "$scratch/run.yaml" >>"$scratch/killed.log" 2>&1 || { tail -20 "$scratch/killed.log"; exit 2; }

# Every file of a workdir with its checksum, less those meant to differ between runs.
listing() {
    (cd "$1" && find . -type f \
        ! -name 'ledger.sqlite*' ! -name '.winnow.lock' ! -name 'pipeline.yaml' \
        ! -path '*/logs/*' ! -path '*/stats/*' ! -path '*/progress/*' ! -path '*/results/*' \
        -print0 | sort -z | xargs -0 sha256sum)
}
listing "$scratch/reference" >"$scratch/reference.sums"
listing "$scratch/run" >"$scratch/killed.sums"
files=$(wc -l <"$scratch/reference.sums")
bytes=$(cd "$scratch/reference" && awk '{print $2}' "$scratch/reference.sums" | xargs -d '\n' du -cb | tail -1 | cut -f1)
if diff "$scratch/reference.sums" "$scratch/killed.sums" >"$scratch/diff.txt"; then
    echo "killtest: $kills kills, then resumed: $files files ($bytes bytes) identical to the uninterrupted run: 0 differences"
else
    echo "killtest: differences after $kills kills (seed $seed):"
    cat "$scratch/diff.txt"
    exit 1
fi
