"""Checks that a GridSearch model and its PyTorch twin compute the same outputs from the same weights.

GridSearch's test writes a batch of images and the outputs its TorchSharp model gives for them (float32, little
endian, C order); this loads the weights file into the twin with load_state_dict(strict=True), runs the same batch and
requires every output within the tolerance. Exit status 0 when they agree, 1 when they do not, 2 on bad input.

    python3 parity.py --model logistic --weights winner.pt --input batch.f32 --expected outputs.f32 --batch 4
"""
import argparse
import os
import sys

import numpy
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gridsearch_models  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--classes", type=int, default=2)
    parser.add_argument("--image-size", type=int, default=128)
    parser.add_argument("--weights", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--expected", required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--tolerance", type=float, default=1e-5)
    parser.add_argument("--hidden", type=int)
    parser.add_argument("--layers", type=int)
    parser.add_argument("--width", type=int)
    args = parser.parse_args()

    params = {k: v for k, v in {"hidden": args.hidden, "layers": args.layers, "width": args.width}.items() if v is not None}
    model = gridsearch_models.build(args.model, num_classes=args.classes, image_size=args.image_size, **params)
    model.load_state_dict(torch.load(args.weights), strict=True)
    model.eval()
    size = args.image_size
    images = torch.from_numpy(numpy.fromfile(args.input, dtype="<f4").reshape(args.batch, 3, size, size))
    expected = torch.from_numpy(numpy.fromfile(args.expected, dtype="<f4"))
    with torch.no_grad():
        actual = model(images).reshape(-1)
    if actual.shape != expected.shape:
        print(f"shape differs: PyTorch gives {tuple(actual.shape)}, GridSearch gave {tuple(expected.shape)}")
        return 1
    difference = (actual - expected).abs().max().item()
    print(f"{args.model}: {actual.numel()} outputs, max |PyTorch - GridSearch| = {difference:.3g} (tolerance {args.tolerance:g})")
    return 0 if difference <= args.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
