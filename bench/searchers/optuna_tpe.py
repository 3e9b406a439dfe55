"""Optuna's TPESampler with default settings on one objective: prints the best value after each budget of trials.

    python3 optuna_tpe.py OBJECTIVE SEED TRIALS
"""
import json
import os
import sys

import optuna

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from objectives import OBJECTIVES  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
name, seed, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
function, space, _ = OBJECTIVES[name]


def objective(trial):
    values = {}
    for key, (low, high, log, integer) in space.items():
        values[key] = (trial.suggest_int(key, int(low), int(high), log=log) if integer
                       else trial.suggest_float(key, low, high, log=log))
    return function(values)


study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
study.optimize(objective, n_trials=trials)
print(json.dumps({"objective": name, "seed": seed, "best": study.best_value}))
