"""PyTorch twins of GridSearch's models, so that a sweep's winner.pt is usable outside GridSearch.

    import torch, gridsearch_models
    model = gridsearch_models.build("logistic", num_classes=2, image_size=128)
    model.load_state_dict(torch.load("runs/<sweep>/winner.pt"), strict=True)
    model.eval()
    outputs = model(images)   # images: [N, 3, 128, 128], normalised as (x/255 - 0.5) / 0.5
    # two classes: the probability of the second class (folder order); more: one logit per class

Each module has the parameter names of its TorchSharp original (src/Training/GridSearch.Training/Model), so
load_state_dict(strict=True) accepts the weights GridSearch writes.
"""
import torch
from torch import nn


class LogisticRegressionModel(nn.Module):
    """The seed's model: Flatten -> Linear(3*S*S -> 1) -> Sigmoid (the probability of the second class)."""

    def __init__(self, input_features):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(input_features, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        return self.sigmoid(self.linear(self.flatten(x)))


class SoftmaxRegressionModel(nn.Module):
    """Logistic regression over C > 2 classes: Flatten -> Linear(3*S*S -> C); returns logits (softmax them for probabilities)."""

    def __init__(self, input_features, classes):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear = nn.Linear(input_features, classes)

    def forward(self, x):
        return self.linear(self.flatten(x))


class MlpModel(nn.Module):
    """Flatten -> (Linear -> ReLU -> Dropout) x layers -> Linear; Sigmoid on one output for two classes, C logits for more."""

    def __init__(self, input_features, classes, hidden=128, layers=1, dropout=0.0):
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.ModuleList([nn.Linear(input_features if i == 0 else hidden, hidden) for i in range(layers)])
        self.output = nn.Linear(hidden, 1 if classes == 2 else classes)
        self.dropout = nn.Dropout(dropout)
        self.binary = classes == 2

    def forward(self, x):
        x = self.flatten(x)
        for layer in self.hidden:
            x = self.dropout(torch.relu(layer(x)))
        x = self.output(x)
        return torch.sigmoid(x) if self.binary else x


def build(name, num_classes=2, image_size=128, **params):
    """The PyTorch module for a GridSearch model name, its class count, image size and architecture parameters."""
    features = 3 * image_size * image_size
    if name == "logistic" and not params:
        return LogisticRegressionModel(features) if num_classes == 2 else SoftmaxRegressionModel(features, num_classes)
    if name == "mlp":
        return MlpModel(features, num_classes, **params)
    raise ValueError(f"no PyTorch twin for model {name!r} with {num_classes} classes and parameters {params}; "
                     "the models are logistic and mlp (hidden, layers, dropout)")
