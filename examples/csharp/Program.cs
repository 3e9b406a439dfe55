// A user's own program in C#: it "trains" a quadratic whose best x is 3, keeps its progress in the run folder, and
// reports each epoch through GridSearch.Run, which also waits until GridSearch has saved the folder.
//   dotnet build examples/csharp
//   gridsearch run --command 'dotnet examples/csharp/bin/Release/net10.0/train.dll' --param x=1,2,3,4,5 --epochs 3 \
//     --metric loss --mode min
using System.Globalization;
using GridSearch.Run;

double x = GridSearchRun.Number("x");
string state = Path.Combine(GridSearchRun.RunDirectory, "epoch");
int start = File.Exists(state) ? int.Parse(File.ReadAllText(state), CultureInfo.InvariantCulture) : 0;
for (int epoch = start + 1; epoch <= GridSearchRun.Epochs; epoch++)
{
    double loss = (x - 3) * (x - 3) / epoch;
    File.WriteAllText(state + ".tmp", epoch.ToString(CultureInfo.InvariantCulture));
    File.Move(state + ".tmp", state, overwrite: true);
    GridSearchRun.Report(epoch, ("loss", loss));
}
