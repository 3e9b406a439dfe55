import time, random, math, sys
import optuna
from optuna.distributions import FloatDistribution, CategoricalDistribution
optuna.logging.set_verbosity(optuna.logging.WARNING)
dists = {"lr": FloatDistribution(1e-5, 1, log=True), "momentum": FloatDistribution(0, 0.99),
         "weight_decay": FloatDistribution(1e-6, 0.1, log=True), "batch_size": CategoricalDistribution([8, 16, 32, 64, 128, 256])}
for n in [int(a) for a in sys.argv[1:]]:
    rng = random.Random(1)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    trials = []
    for i in range(n):
        p = {"lr": 10 ** rng.uniform(-5, 0), "momentum": rng.uniform(0, 0.99), "weight_decay": 10 ** rng.uniform(-6, -1), "batch_size": rng.choice([8, 16, 32, 64, 128, 256])}
        v = (math.log10(p["lr"]) + 2.5) ** 2 + (p["momentum"] - 0.9) ** 2
        trials.append(optuna.trial.create_trial(params=p, distributions=dists, value=v))
    study.add_trials(trials)
    times = []
    for r in range(5):
        t0 = time.perf_counter()
        trial = study.ask()
        for k, d in dists.items():
            trial._suggest(k, d)
        times.append((time.perf_counter() - t0) * 1000)
        study.tell(trial, state=optuna.trial.TrialState.FAIL)
    times.sort()
    print(n, "median ms", round(times[2], 2))
