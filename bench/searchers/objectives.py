"""Synthetic objectives with known optima for comparing searchers, shared by the GridSearch program and the Optuna run.

Each objective has a search space (name -> (low, high, log, integer)), a function of a dict of values, and its
minimum. Lower is better everywhere.
"""
import math

# Branin-Hoo on [-5, 10] x [0, 15]; three global minima of 0.397887.
def branin(p):
    x1, x2 = p["x1"], p["x2"]
    a, b, c, r, s, t = 1.0, 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return a * (x2 - b * x1 ** 2 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s

# Hartmann 6-D on [0, 1]^6; global minimum -3.32237.
_HA = [1.0, 1.2, 3.0, 3.2]
_HA_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
_HA_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
         [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]

def hartmann6(p):
    x = [p[f"x{i}"] for i in range(1, 7)]
    return -sum(_HA[i] * math.exp(-sum(_HA_A[i][j] * (x[j] - _HA_P[i][j] * 1e-4) ** 2 for j in range(6))) for i in range(4))

# A training-shaped problem: the best learning rate grows with the batch size (10^-2.5 at 32, sqrt scaling), momentum
# near 0.85 and weight decay near 1e-4 help; minimum 0.
def training(p):
    best_log_lr = -2.5 + 0.5 * math.log10(p["batch_size"] / 32)
    return ((math.log10(p["lr"]) - best_log_lr) ** 2 + 2 * (p["momentum"] - 0.85) ** 2
            + 0.25 * (math.log10(p["weight_decay"]) + 4) ** 2)

OBJECTIVES = {
    "branin": (branin, {"x1": (-5.0, 10.0, False, False), "x2": (0.0, 15.0, False, False)}, 0.397887),
    "hartmann6": (hartmann6, {f"x{i}": (0.0, 1.0, False, False) for i in range(1, 7)}, -3.32237),
    "training": (training, {"lr": (1e-5, 1.0, True, False), "momentum": (0.0, 0.99, False, False),
                            "weight_decay": (1e-6, 0.1, True, False), "batch_size": (8, 256, True, True)}, 0.0),
}
