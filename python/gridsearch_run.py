"""GridSearch's contract for your own training program, with the standard library only.

GridSearch starts your program once per run with the cell's values in its arguments and environment; the program
trains, keeps its checkpoint in the run folder, and reports each epoch:

    import gridsearch_run as gs

    p = gs.params()                      # {"lr": 0.01, "layers": 2}
    start = load_checkpoint(gs.run_dir())  # resume from what the folder holds (nothing on the first attempt)
    for epoch in range(start + 1, gs.epochs() + 1):
        train_one_epoch(p["lr"])
        save_checkpoint(gs.run_dir(), epoch)   # first the checkpoint...
        gs.report(epoch, val_accuracy=acc, train_loss=loss)  # ...then the report: the epoch is done

A report means "this epoch is done and its checkpoint is in the run folder": a resumed run starts from the last
reported epoch, so write the checkpoint before reporting it. report() returns once GridSearch has saved the folder
(it pauses the program while it does, and says so with SIGCONT), so the next epoch's writes never reach that copy.
"""

import json
import math
import os
import signal
import sys
import threading
import time

PREFIX = "GRIDSEARCH_REPORT"

# How long report() waits for GridSearch to say the folder is saved: a report it ignored (never this helper's) gets
# no answer, and the program goes on after this.
ACK_TIMEOUT_SECONDS = 60.0

# How often report() looks whether the word came. The signal handler only sets a flag: a handler that took a lock
# (threading.Event.set) could run while the main thread, which it interrupts, holds that very lock, and never return.
_ACK_POLL_SECONDS = 0.002

_saves_heard = 0
_listening = False


def _heard_save(signum, frame):
    global _saves_heard
    _saves_heard += 1


def _listen_for_saves():
    """GridSearch resumes the program with SIGCONT once the report's folder is saved: note it."""
    global _listening
    if _listening:
        return True
    if os.environ.get("GRIDSEARCH_REPORT_ACK") != "SIGCONT" or threading.current_thread() is not threading.main_thread():
        return False
    signal.signal(signal.SIGCONT, _heard_save)
    _listening = True
    return True


def _variable(name):
    value = os.environ.get(name)
    if value is None:
        raise RuntimeError(f"{name} is not set: this program expects to be started by GridSearch "
                           f"(gridsearch run --command ..., or a sweep file with 'program:')")
    return value


def params():
    """The cell's values: {name: value}, numbers as numbers, choices as strings."""
    return json.loads(_variable("GRIDSEARCH_PARAMS"))


def run_dir():
    """The run's own folder: it survives retries, resume and the run moving to another trainer."""
    return _variable("GRIDSEARCH_RUN_DIR")


def data_dir(default=None):
    """The sweep's data root (its data: key or --data), absolute; default when the sweep names none."""
    return os.environ.get("GRIDSEARCH_DATA") or default


def run_id():
    """The run's id (the cell's id for runs of one cell)."""
    return _variable("GRIDSEARCH_RUN_ID")


def seed():
    """The sweep's random seed: seed every random source with it for results that repeat."""
    return int(_variable("GRIDSEARCH_SEED"))


def epochs():
    """How far this run trains (1-based, inclusive): stop after reporting this epoch."""
    return int(_variable("GRIDSEARCH_EPOCHS"))


def _wait_for_save(heard_before):
    """True once a SIGCONT came after the report was written; False after ACK_TIMEOUT_SECONDS without one."""
    deadline = time.monotonic() + ACK_TIMEOUT_SECONDS
    while _saves_heard == heard_before:
        if time.monotonic() >= deadline:
            return False
        time.sleep(_ACK_POLL_SECONDS)
    return True


def report(epoch, **metrics):
    """Reports a finished epoch (1-based, one after the other) with any numeric metrics."""
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 1:
        raise ValueError(f"epoch must be a whole number from 1, not {epoch!r}")
    values = {"epoch": epoch}
    for name, value in metrics.items():
        value = float(value)
        # JSON has no NaN or infinity: GridSearch reads them as strings.
        values[name] = value if math.isfinite(value) else ("NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity")
    waits = _listen_for_saves()
    heard_before = _saves_heard
    sys.stdout.write(f"{PREFIX} {json.dumps(values)}\n")
    sys.stdout.flush()
    if waits and not _wait_for_save(heard_before):
        print(f"gridsearch_run: no word that epoch {epoch}'s folder was saved after {ACK_TIMEOUT_SECONDS:.0f} s; going on",
              file=sys.stderr, flush=True)
