#!/usr/bin/env bash
# The shell steps of the example CI workflow (grade-submissions.yml), in one script the workflow calls and a test of
# the harness runs end to end (tests/batch.rs), so what CI does is what was tested.
#
#   grade-submissions.sh setup                               build the harness; let its sandbox start on this host
#   grade-submissions.sh shard PROBLEM SUBMISSIONS I/N OUT   grade shard I of N of SUBMISSIONS into OUT
#   grade-submissions.sh merge OUT SHARD_DIR...              merge the shards' reports into OUT; Markdown on stdout
#
# `HARNESS` names the harness executable (default: ./target/release/harness, which `setup` builds).
# `shard` and `merge` exit 0 when every candidate was graded, whatever it scored: 1 (a total below --min-score) and
# 3 (a candidate that was not built) are results the leaderboard shows. Anything else (a usage error, a broken
# problem, the harness or its environment failing) is passed on, so the step fails.
set -euo pipefail

harness=${HARNESS:-./target/release/harness}

# Exit 0 for a code that is a result on the leaderboard, else the code itself.
result() {
    local code=$1
    if [ "$code" -ne 0 ] && [ "$code" -ne 1 ] && [ "$code" -ne 3 ]; then
        exit "$code"
    fi
    exit 0
}

setup() {
    # valgrind: scaling cases are measured in instructions with callgrind. bubblewrap: the sandbox candidate code
    # runs in.
    local missing=()
    command -v valgrind >/dev/null || missing+=(valgrind)
    command -v bwrap >/dev/null || missing+=(bubblewrap)
    if [ ${#missing[@]} -gt 0 ]; then
        sudo apt-get update -qq
        sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    # Ubuntu 23.10 and later (GitHub's ubuntu-latest runners among them) set this sysctl, so a process without an
    # AppArmor profile gets a user namespace it cannot use, and the harness's sandbox cannot start. A CI runner is a
    # throwaway machine with password-less sudo: lift the restriction there. On a machine of your own, prefer the
    # AppArmor profile the README describes.
    local restrict=/proc/sys/kernel/apparmor_restrict_unprivileged_userns
    if [ -r "$restrict" ] && [ "$(cat "$restrict")" = 1 ]; then
        sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0
    fi
    cargo build --release --locked -p harness
}

shard() {
    [ $# -eq 4 ] || { echo "usage: $0 shard PROBLEM SUBMISSIONS I/N OUT" >&2; exit 2; }
    local code=0
    "$harness" grade-all "$1" "$2" --shard "$3" --out "$4" || code=$?
    result "$code"
}

merge() {
    [ $# -ge 2 ] || { echo "usage: $0 merge OUT SHARD_DIR..." >&2; exit 2; }
    local out=$1
    shift
    local code=0
    "$harness" merge-reports "$@" --out "$out" --format markdown || code=$?
    result "$code"
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
    setup) setup "$@" ;;
    shard) shard "$@" ;;
    merge) merge "$@" ;;
    *)
        echo "usage: $0 setup | shard PROBLEM SUBMISSIONS I/N OUT | merge OUT SHARD_DIR..." >&2
        exit 2
        ;;
esac
