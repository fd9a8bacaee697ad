#!/usr/bin/env bash
# Classifier benchmark: Winnow vs fastText on >= 10M tokens of real text (see classifier.py).
#   Scripts/bench/classifier.sh [--threads N] [--tokens N] …   (arguments go to classifier.py)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
winnow="${WINNOW:-$repo_root/.build/release/winnow}"
[[ -x "$winnow" ]] || { echo "classifier.sh: no $winnow; build it: swift build -c release" >&2; exit 1; }
py="$("$here/peers.sh" | tail -n 1)"
corpus="$("$py" "$here/make-corpus.py" | tail -n 1)"
exec "$py" "$here/classifier.py" --winnow "$winnow" --corpus "$corpus" "$@"
