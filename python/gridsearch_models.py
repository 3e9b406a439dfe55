"""PyTorch twins of GridSearch's models, so that a sweep's winner.pt is usable outside GridSearch.

    import torch, gridsearch_models
    model = gridsearch_models.build("logistic", num_classes=2, image_size=128)   # or "mlp", hidden=..., or "cnn", width=...
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


class CnnModel(nn.Module):
    """Three blocks of Conv 3x3 (no bias) -> BatchNorm -> ReLU -> MaxPool 2x2 with width, 2*width and 4*width
    channels, then Flatten -> Linear; Sigmoid on one output for two classes, C logits for more. Batch norm's running
    statistics are in winner.pt, so eval() gives GridSearch's predictions."""

    def __init__(self, image_size, classes, width=16):
        super().__init__()
        channels = [width << i for i in range(3)]
        self.conv = nn.ModuleList([nn.Conv2d(3 if i == 0 else channels[i - 1], c, 3, padding=1, bias=False)
                                   for i, c in enumerate(channels)])
        self.norm = nn.ModuleList([nn.BatchNorm2d(c) for c in channels])
        side = image_size >> 3
        self.output = nn.Linear(channels[-1] * side * side, 1 if classes == 2 else classes)
        self.binary = classes == 2

    def forward(self, x):
        for conv, norm in zip(self.conv, self.norm):
            x = torch.max_pool2d(torch.relu(norm(conv(x))), 2)
        x = self.output(torch.flatten(x, 1))
        return torch.sigmoid(x) if self.binary else x


def build(name, num_classes=2, image_size=128, **params):
    """The PyTorch module for a GridSearch model name, its class count, image size and architecture parameters."""
    features = 3 * image_size * image_size
    if name == "logistic" and not params:
        return LogisticRegressionModel(features) if num_classes == 2 else SoftmaxRegressionModel(features, num_classes)
    if name == "mlp":
        return MlpModel(features, num_classes, **params)
    if name == "cnn":
        return CnnModel(image_size, num_classes, **params)
    raise ValueError(f"no PyTorch twin for model {name!r} with {num_classes} classes and parameters {params}; "
                     "the models are logistic, mlp (hidden, layers, dropout) and cnn (width)")
