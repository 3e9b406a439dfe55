using System.Globalization;
using System.Text;
using GridSearch.Abstractions;

namespace GridSearch.Client.Results;

/// <summary>results.csv: one row per trial × epoch, for spreadsheets and pandas.</summary>
public static class ResultsCsv
{
    public const string Header = "trial_id,lr,batch_size,epochs,epoch,train_loss,val_accuracy,seconds,samples_per_second,status";

    public static string Render(SweepSnapshot sweep)
    {
        var csv = new StringBuilder().AppendLine(Header);
        foreach (var trial in sweep.Trials)
        {
            foreach (var epoch in trial.Epochs)
            {
                csv.AppendLine(string.Join(',',
                    trial.TrialId,
                    Number(trial.Parameters.LearningRate),
                    trial.Parameters.BatchSize.ToString(CultureInfo.InvariantCulture),
                    trial.Parameters.Epochs.ToString(CultureInfo.InvariantCulture),
                    epoch.Epoch.ToString(CultureInfo.InvariantCulture),
                    Number(epoch.TrainLoss),
                    Number(epoch.ValidationAccuracy),
                    Number(epoch.Seconds),
                    Number(epoch.SamplesPerSecond),
                    trial.Status.ToString()));
            }
        }

        return csv.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
