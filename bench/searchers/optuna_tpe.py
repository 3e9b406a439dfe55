"""Optuna's TPESampler with default settings on one objective: prints the best value found within TRIALS trials.

    python3 optuna_tpe.py OBJECTIVE SEED TRIALS [fixed]

With "fixed", an Optuna before 3.5 gets upstream's correction of its truncated normal log density (optuna/optuna#5109,
fixed by #5110 in 3.5): before it, each Parzen component's density missed its 1/sigma factor, so TPE's l(x)/g(x) was
not the estimator's. Debian 12 ships 3.1.0.
"""
import json
import os
import sys

import optuna

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from objectives import OBJECTIVES  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.WARNING)
name, seed, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if len(sys.argv) > 4 and sys.argv[4] == "fixed" and tuple(int(p) for p in optuna.__version__.split(".")[:2]) < (3, 5):
    import numpy as np
    from optuna.samplers._tpe import _truncnorm, parzen_estimator

    unnormalized = _truncnorm.logpdf
    parzen_estimator.truncnorm.logpdf = lambda x, a, b, loc=0, scale=1: unnormalized(x, a, b, loc, scale) - np.log(scale)
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
