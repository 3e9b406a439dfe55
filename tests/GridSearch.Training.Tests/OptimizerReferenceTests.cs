using GridSearch.Training.Data;
using GridSearch.Training.Model;
using GridSearch.Training.Trainer;
using TorchSharp;

namespace GridSearch.Training.Tests;

/// <summary>
/// Momentum, weight decay and Adam against a float64 reference written from PyTorch's documented update rules, for the
/// baseline's model (sigmoid and BCE), softmax regression (cross-entropy over three classes) and the MLP's step
/// (backpropagation through a ReLU layer). Full-batch epochs, so each epoch is one step and the order of images does
/// not matter.
/// </summary>
public sealed class OptimizerReferenceTests
{
    private const int Count = 24, Size = 2, Epochs = 3;

    public static TheoryData<string, double, double, int> Settings => new()
    {
        { "sgd", 0.9, 0, 2 },
        { "sgd", 0, 0.05, 2 },
        { "sgd", 0.8, 0.01, 3 },
        { "adam", 0, 0, 2 },
        { "adam", 0, 0.02, 3 },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Train_FullBatchSteps_MatchPyTorchsUpdateRulesInFloat64(string optimizer, double momentum, double weightDecay, int classes)
    {
        DecodedDataset dataset = TinyData.Dataset(Count, Size, classes: classes);
        var split = DataSplit.Create(Count, seed: 3);
        using var data = TrainingData.Create(dataset, split, torch.CPU);
        int features = dataset.PixelsPerImage, outputs = classes == 2 ? 1 : classes;
        var start = Enumerable.Range(0, (features + 1) * outputs).Select(i => 0.05 * Math.Sin(i + 1)).ToArray();
        const double lr = 0.05;
        var plan = new TrainingPlan(lr, BatchSize: split.Train.Length, Epochs: Epochs, Seed: 0)
        {
            Optimizer = optimizer, Momentum = momentum, WeightDecay = weightDecay,
        };

        var epochs = new ClassifierTrainer(data, new TrainerOptions { Threads = 1 })
            .Train(plan, null, CancellationToken.None, new TrainingCheckpoint(0, new ModelWeights(start.Select(v => (float)v).ToArray())));

        var reference = new Reference(dataset, split.Train, features, outputs);
        double[] w = [.. start], buffer = new double[w.Length], m = new double[w.Length], v = new double[w.Length];
        for (int step = 1; step <= Epochs; step++)
        {
            double loss = reference.LossAndGradient(w, out double[] g);
            Assert.True(Math.Abs(loss - epochs[step - 1].TrainLoss) < 1e-5, $"step {step}: loss {epochs[step - 1].TrainLoss}, expected {loss}");
            for (int i = 0; i < w.Length; i++)
            {
                double d = g[i] + weightDecay * w[i];
                if (optimizer == "adam")
                {
                    m[i] = 0.9 * m[i] + 0.1 * d;
                    v[i] = 0.999 * v[i] + 0.001 * d * d;
                    double mHat = m[i] / (1 - Math.Pow(0.9, step)), vHat = v[i] / (1 - Math.Pow(0.999, step));
                    w[i] -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
                }
                else
                {
                    buffer[i] = step == 1 ? d : momentum * buffer[i] + d;
                    w[i] -= lr * (momentum == 0 ? d : buffer[i]);
                }
            }

            float[] actual = epochs[step - 1].Weights.Values;
            for (int i = 0; i < w.Length; i++)
            {
                Assert.True(Math.Abs(w[i] - actual[i]) < 2e-6, $"step {step}, parameter {i}: expected {w[i]}, got {actual[i]}");
            }
        }
    }

    [Theory]
    [InlineData(0, 0, 2)]
    [InlineData(0.9, 0.01, 2)]
    [InlineData(0.5, 0, 3)]
    public void MlpStep_MatchesBackpropagationThroughItsReluLayerInFloat64(double momentum, double weightDecay, int classes)
    {
        const int hidden = 3;
        DecodedDataset dataset = TinyData.Dataset(Count, Size, classes: classes);
        var split = DataSplit.Create(Count, seed: 3);
        using var data = TrainingData.Create(dataset, split, torch.CPU);
        int features = dataset.PixelsPerImage, outputs = classes == 2 ? 1 : classes;
        var layout = new MlpLayout(features, hidden, outputs);
        // Some hidden units start inactive for some images (negative pre-activations), so the ReLU's zero gradient is tested.
        var start = Enumerable.Range(0, layout.Length).Select(i => 0.3 * Math.Sin(1.7 * i + 1)).ToArray();
        const double lr = 0.1;
        var plan = new TrainingPlan(lr, BatchSize: split.Train.Length, Epochs: Epochs, Seed: 0)
        {
            Momentum = momentum, WeightDecay = weightDecay, Model = new ModelSpec(ModelSpec.Mlp, Hidden: hidden, HiddenLayers: 1),
        };

        var epochs = new ClassifierTrainer(data, new TrainerOptions { Threads = 1 })
            .Train(plan, null, CancellationToken.None, new TrainingCheckpoint(0, new ModelWeights(start.Select(v => (float)v).ToArray())));

        double[] w = [.. start], buffer = new double[w.Length];
        bool someInactive = false;
        for (int step = 1; step <= Epochs; step++)
        {
            double loss = layout.LossAndGradient(dataset, split.Train, w, out double[] g, ref someInactive);
            Assert.True(Math.Abs(loss - epochs[step - 1].TrainLoss) < 1e-5, $"step {step}: loss {epochs[step - 1].TrainLoss}, expected {loss}");
            for (int i = 0; i < w.Length; i++)
            {
                double d = g[i] + weightDecay * w[i];
                buffer[i] = step == 1 ? d : momentum * buffer[i] + d;
                w[i] -= lr * (momentum == 0 ? d : buffer[i]);
            }

            float[] actual = epochs[step - 1].Weights.Values;
            Assert.Equal(w.Length, actual.Length);
            for (int i = 0; i < w.Length; i++)
            {
                Assert.True(Math.Abs(w[i] - actual[i]) < 2e-6, $"step {step}, parameter {i}: expected {w[i]}, got {actual[i]}");
            }
        }

        Assert.True(someInactive, "no hidden unit was ever inactive: the ReLU's gradient was not exercised");
    }

    /// <summary>
    /// One hidden layer of the MLP in float64, in its state dictionary's layout: hidden.0.weight [hidden, features],
    /// hidden.0.bias [hidden], output.weight [outputs, hidden], output.bias [outputs].
    /// </summary>
    private sealed record MlpLayout(int Features, int Hidden, int Outputs)
    {
        public int Length => Hidden * Features + Hidden + Outputs * Hidden + Outputs;

        public double LossAndGradient(DecodedDataset dataset, int[] train, double[] w, out double[] gradient, ref bool someInactive)
        {
            int b1 = Hidden * Features, w2 = b1 + Hidden, b2 = w2 + Outputs * Hidden;
            gradient = new double[w.Length];
            double loss = 0;
            foreach (int index in train)
            {
                byte[] image = dataset.ImageBytes(index);
                double[] x = Enumerable.Range(0, Features).Select(f => (image[f] / 255.0 - 0.5) / 0.5).ToArray();
                double[] pre = Enumerable.Range(0, Hidden).Select(h => w[b1 + h] + x.Select((v, f) => v * w[h * Features + f]).Sum()).ToArray();
                double[] act = pre.Select(v => Math.Max(0, v)).ToArray();
                someInactive |= pre.Any(v => v <= 0);
                double[] z = Enumerable.Range(0, Outputs).Select(o => w[b2 + o] + act.Select((v, h) => v * w[w2 + o * Hidden + h]).Sum()).ToArray();
                int label = dataset.Labels[index];
                double[] residual;
                if (Outputs == 1)
                {
                    double p = 1 / (1 + Math.Exp(-z[0]));
                    loss += -(label * Math.Log(p) + (1 - label) * Math.Log(1 - p));
                    residual = [p - label];
                }
                else
                {
                    double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
                    double[] p = z.Select(v => Math.Exp(v - max) / sum).ToArray();
                    loss += -Math.Log(p[label]);
                    residual = p.Select((v, o) => v - (o == label ? 1 : 0)).ToArray();
                }

                for (int o = 0; o < Outputs; o++)
                {
                    gradient[b2 + o] += residual[o] / train.Length;
                    for (int h = 0; h < Hidden; h++)
                    {
                        gradient[w2 + o * Hidden + h] += residual[o] * act[h] / train.Length;
                    }
                }

                for (int h = 0; h < Hidden; h++)
                {
                    double back = pre[h] > 0 ? Enumerable.Range(0, Outputs).Sum(o => residual[o] * w[w2 + o * Hidden + h]) : 0;
                    gradient[b1 + h] += back / train.Length;
                    for (int f = 0; f < Features; f++)
                    {
                        gradient[h * Features + f] += back * x[f] / train.Length;
                    }
                }
            }

            return loss / train.Length;
        }
    }

    /// <summary>The loss and its gradient over the training split, in float64: BCE on a sigmoid for one output, cross-entropy on a softmax for more.</summary>
    private sealed class Reference(DecodedDataset dataset, int[] train, int features, int outputs)
    {
        public double LossAndGradient(double[] w, out double[] gradient)
        {
            // Layout as the model's state dictionary: weight [outputs, features] row by row, then bias [outputs].
            gradient = new double[w.Length];
            double loss = 0;
            foreach (int index in train)
            {
                byte[] image = dataset.ImageBytes(index);
                double[] x = Enumerable.Range(0, features).Select(f => (image[f] / 255.0 - 0.5) / 0.5).ToArray();
                double[] z = Enumerable.Range(0, outputs)
                    .Select(o => w[outputs * features + o] + x.Select((value, f) => value * w[o * features + f]).Sum()).ToArray();
                int label = dataset.Labels[index];
                double[] residual;
                if (outputs == 1)
                {
                    double p = 1 / (1 + Math.Exp(-z[0]));
                    loss += -(label * Math.Log(p) + (1 - label) * Math.Log(1 - p));
                    residual = [p - label];
                }
                else
                {
                    double max = z.Max(), sum = z.Sum(value => Math.Exp(value - max));
                    double[] p = z.Select(value => Math.Exp(value - max) / sum).ToArray();
                    loss += -Math.Log(p[label]);
                    residual = p.Select((value, o) => value - (o == label ? 1 : 0)).ToArray();
                }

                for (int o = 0; o < outputs; o++)
                {
                    for (int f = 0; f < features; f++)
                    {
                        gradient[o * features + f] += residual[o] * x[f] / train.Length;
                    }

                    gradient[outputs * features + o] += residual[o] / train.Length;
                }
            }

            return loss / train.Length;
        }
    }
}
