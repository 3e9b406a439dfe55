"""A GridSearch program that evaluates one synthetic objective for the cell it is given and reports it as `value`.

    program: {command: [/usr/bin/python3, program.py, branin]}
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from objectives import OBJECTIVES  # noqa: E402

function, _, _ = OBJECTIVES[sys.argv[1]]
params = json.loads(os.environ["GRIDSEARCH_PARAMS"])
print("GRIDSEARCH_REPORT " + json.dumps({"epoch": 1, "value": function(params)}), flush=True)
