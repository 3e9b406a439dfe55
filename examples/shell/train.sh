#!/bin/sh
# A user's program in plain POSIX shell: it "trains" a quadratic whose best x is 3, keeps its progress in the run
# folder, and reports each epoch on standard output. Any language works the same way: read GRIDSEARCH_PARAMS or the
# arguments, resume from GRIDSEARCH_RUN_DIR, print one GRIDSEARCH_REPORT line per finished epoch.
#   gridsearch run --command 'sh examples/shell/train.sh {x}' --param x=1,2,3,4,5 --epochs 3 --metric loss --mode min
set -eu
x="$1"
# GridSearch pauses the program while it saves the run folder after a report, then resumes it with SIGCONT: waiting
# for that before the next epoch keeps the next epoch's writes out of the saved copy.
trap 'saved=1' CONT
report() {
    saved=
    echo "GRIDSEARCH_REPORT $1"
    waited=0
    while [ "${GRIDSEARCH_REPORT_ACK:-}" = SIGCONT ] && [ -z "$saved" ] && [ "$waited" -lt 6000 ]; do
        sleep 0.01; waited=$((waited + 1))
    done
}
state="$GRIDSEARCH_RUN_DIR/epoch"
epoch=$(cat "$state" 2>/dev/null || echo 0)
while [ "$epoch" -lt "$GRIDSEARCH_EPOCHS" ]; do
    epoch=$((epoch + 1))
    # loss = (x - 3)^2 / epoch, in awk for floating point
    loss=$(awk -v x="$x" -v e="$epoch" 'BEGIN { printf "%.6f", (x - 3) * (x - 3) / e }')
    echo "$epoch" > "$state.tmp" && mv "$state.tmp" "$state"
    report "{\"epoch\": $epoch, \"loss\": $loss}"
done
