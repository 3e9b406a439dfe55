"""Writes the GridSearch sweep file for one objective, searcher and seed (the same space as optuna_tpe.py)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from objectives import OBJECTIVES  # noqa: E402

name, search, seed, samples = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
_, space, _ = OBJECTIVES[name]
here = os.path.dirname(os.path.abspath(__file__))
parameters = {key: {"min": low, "max": high, "scale": "log" if log else "linear", **({"type": "int"} if integer else {})}
              for key, (low, high, log, integer) in space.items()}
parameters["epochs"] = 1
# JSON is YAML: the sweep file reader takes either.
print(json.dumps({
    "search": search, "samples": samples, "seed": seed, "max_concurrent": 1,
    "program": {"command": ["/usr/bin/python3", os.path.join(here, "program.py"), name]},
    "metric": "value", "mode": "min", "parameters": parameters,
}, indent=1))
