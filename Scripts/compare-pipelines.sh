#!/usr/bin/env bash
# Runs every reference pipeline (Pipelines/*.yaml) with two winnow binaries and compares what
# each step wrote, byte for byte: the proof that a refactor changed no output.
#
#   Scripts/compare-pipelines.sh BEFORE_BINARY AFTER_BINARY [PIPELINE.yaml ...]
#
# Typically: build the old commit, copy .build/release/winnow to /tmp/winnow-before, build the
# new one, then `Scripts/compare-pipelines.sh /tmp/winnow-before .build/release/winnow`.
# Compared: every file under each step folder except what records time or the machine
# (ledger.sqlite, stats/, logs/, progress/). Exits 1 on the first pipeline whose outputs differ.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "$1")
after=$(realpath "$2")
shift 2
pipelines=("$@")
((${#pipelines[@]})) || pipelines=(Pipelines/*.yaml)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

status=0
for pipeline in "${pipelines[@]}"; do
    name=$(basename "$pipeline" .yaml)
    for side in before after; do
        sed "s#^workdir:.*#workdir: $scratch/$side/$name#" "$pipeline" > "$scratch/$name-$side.yaml"
        binary=$before; [[ $side == after ]] && binary=$after
        if ! "$binary" run "$scratch/$name-$side.yaml" >"$scratch/$name-$side.log" 2>&1; then
            echo "compare: $name failed with the $side binary; its log:" >&2
            tail -20 "$scratch/$name-$side.log" >&2
            exit 1
        fi
    done
    list() { (cd "$1" && find . -type f ! -name ledger.sqlite ! -path '*/stats/*' ! -path '*/logs/*' ! -path '*/progress/*' | sort); }
    if ! diff <(list "$scratch/before/$name") <(list "$scratch/after/$name") >"$scratch/files.diff"; then
        echo "compare: $name: the two runs wrote different files:" >&2
        cat "$scratch/files.diff" >&2
        status=1
        continue
    fi
    files=0
    while read -r file; do
        files=$((files + 1))
        if ! cmp -s "$scratch/before/$name/$file" "$scratch/after/$name/$file"; then
            echo "compare: $name: $file differs" >&2
            status=1
        fi
    done < <(list "$scratch/before/$name")
    echo "compare: $name: $files files compared"
done
((status == 0)) && echo "compare: every output is byte-identical"
exit $status
