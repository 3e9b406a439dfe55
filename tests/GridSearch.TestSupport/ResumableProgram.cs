namespace GridSearch.TestSupport;

/// <summary>
/// A user's program for tests of the program contract, in Python with python/gridsearch_run.py: each epoch's accuracy
/// builds on the one before, read back from the run folder, so a run resumed from anything but its last reported
/// epoch gives other numbers. It appends "RUN EPOCH" to the file TEST_LEDGER (outside the run folder) after each
/// report; TEST_HOLD_RUN / TEST_HOLD_EPOCH / TEST_HOLD_FILE make one run write the file and wait before that epoch;
/// TEST_FAIL=1 makes every run fail before its first epoch, with a line on standard error; TEST_STARTS names a file
/// that gets the run's id each time the program starts.
/// </summary>
public static class ResumableProgram
{
    public const string Script = """
        import json, os, sys, time
        sys.path.insert(0, os.environ["TEST_HELPER_DIR"])
        import gridsearch_run as gs
        lr = gs.params()["lr"]
        if os.environ.get("TEST_STARTS"):
            with open(os.environ["TEST_STARTS"], "a") as f:
                f.write(f"{gs.run_id()}\n")
        state = os.path.join(gs.run_dir(), "state.json")
        epoch, acc = (json.load(open(state))["epoch"], json.load(open(state))["acc"]) if os.path.exists(state) else (0, 0.5)
        print(f"run {gs.run_id()} starts after epoch {epoch}")
        for epoch in range(epoch + 1, gs.epochs() + 1):
            if gs.run_id() == os.environ.get("TEST_HOLD_RUN") and epoch == int(os.environ["TEST_HOLD_EPOCH"]):
                open(os.environ["TEST_HOLD_FILE"], "w").close()
                while True:
                    time.sleep(0.05)
            if os.environ.get("TEST_FAIL") == "1":
                print("loading the data failed: boom", file=sys.stderr)
                sys.exit(3)
            acc = acc + lr * (1 - acc) * (0.5 if epoch % 2 else 1.0)
            with open(state, "w") as f:
                json.dump({"epoch": epoch, "acc": acc}, f)
            gs.report(epoch, val_accuracy=acc, train_loss=1 - acc, lr_seen=lr)
            with open(os.environ["TEST_LEDGER"], "a") as f:
                f.write(f"{gs.run_id()} {epoch}\n")
        """;

    /// <summary>The environment the script needs besides GridSearch's: where the helper is, and the ledger file.</summary>
    public static void Prepare(IDictionary<string, string> environment, string ledger)
    {
        environment["TEST_HELPER_DIR"] = Path.Combine(RepositoryPaths.Root, "python");
        environment["TEST_LEDGER"] = ledger;
    }
}
