#!/usr/bin/env bash
# Fuzzes every reader of outside bytes with libFuzzer (docs/fuzzing.md).
#
#   Scripts/fuzz.sh                      # every target, 5 s each (the smoke run Scripts/test.sh does)
#   Scripts/fuzz.sh --seconds 1800 tokenizer-json fasttext-bin
#   Scripts/fuzz.sh --list
#
# Builds .build-fuzz/release/winnow-fuzz (its own scratch path, so the normal build is left
# alone) with -sanitize=fuzzer, seeds each target's corpus (.build-fuzz/corpus/TARGET) with real
# files from the repository, runs the target for the given time, and prints one line per target:
# executions, coverage (edges), corpus size, crashes. A crash, timeout or out-of-memory input is
# kept in Tests/WinnowFuzzingTests/Regressions/TARGET/ (commit it: `swift test --filter
# FuzzRegressionTests` replays it), and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=5
targets=()
list=""
while (($#)); do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --list) list=1; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) targets+=("$1"); shift ;;
    esac
done

scratch=.build-fuzz
mkdir -p "$scratch"
echo "fuzz: building $scratch/release/winnow-fuzz" >&2
WINNOW_FUZZ=1 swift build -c release --scratch-path "$scratch" --product winnow-fuzz \
    -Xswiftc -sanitize=fuzzer >"$scratch/build.log" 2>&1 \
    || { tail -30 "$scratch/build.log" >&2; echo "fuzz: build failed (full log: $scratch/build.log)" >&2; exit 2; }
binary="$scratch/release/winnow-fuzz"

all=$( (WINNOW_FUZZ_TARGET=none "$binary" 2>&1 || true) | sed -n "s/.*one of: //p")
if [[ -n "$list" ]]; then tr ' ' '\n' <<<"$all"; exit 0; fi
((${#targets[@]})) || read -ra targets <<<"$all"

found=0
printf '%-20s %12s %8s %8s %8s\n' target executions coverage corpus crashes
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    regressions="Tests/WinnowFuzzingTests/Regressions/$target"
    mkdir -p "$corpus" "$regressions"
    # Each fuzzing process writes its inputs under $TMPDIR/winnow-fuzz-PID (ScratchFiles); fork
    # mode starts many, so they get a folder of their own that is removed afterwards.
    scratch_files="$scratch/tmp/$target"
    mkdir -p "$scratch_files"
    TMPDIR="$PWD/$scratch_files" WINNOW_FUZZ_TARGET="$target" WINNOW_FUZZ_WRITE_SEEDS="$corpus" WINNOW_REPOSITORY="$PWD" "$binary" 2>/dev/null
    log="$scratch/logs/$target.log"
    mkdir -p "$(dirname "$log")"
    before=$(ls "$regressions" | wc -l)
    # -fork keeps going after a crash, so one run finds more than one; each crash is written to
    # the regressions folder. -rss_limit_mb: a reader that allocates gigabytes from a few bytes is
    # a finding too. -timeout: a reader that takes 10 s on a small input is a hang.
    TMPDIR="$PWD/$scratch_files" WINNOW_FUZZ_TARGET="$target" "$binary" "$corpus" -max_total_time="$seconds" -fork=1 \
        -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
        -artifact_prefix="$regressions/" >"$log" 2>&1 || true
    rm -rf "$scratch_files"
    after=$(ls "$regressions" | wc -l)
    crashes=$((after - before))
    # The last status line: "#N ... cov: C ft: F corp: K/S ..." (fork mode prints "#N: cov: C ft: F corp: K exec/s ...").
    status=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$status")
    cov=$(grep -oE 'cov: [0-9]+' <<<"$status" | awk '{print $2}')
    corp=$(grep -oE 'corp: [0-9]+' <<<"$status" | awk '{print $2}')
    printf '%-20s %12s %8s %8s %8s\n' "$target" "${execs:-0}" "${cov:-?}" "${corp:-?}" "$crashes"
    ((crashes == 0)) || found=1
done
if ((found)); then
    echo "fuzz: crashes were kept in Tests/WinnowFuzzingTests/Regressions/; fix them, commit the inputs" >&2
    exit 1
fi
