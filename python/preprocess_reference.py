"""Preprocesses images the way the baseline PyTorch program does, for comparison with GridSearch's decoder.

The baseline loads each image with PIL (ImageFolder: RGB), then applies torchvision's Resize((size, size)) and
ToTensor. This writes those tensors (float32 in [0, 1], little endian, image after image, each channels x height x
width) for the files listed one per line in --list (paths relative to --root).

    python3 preprocess_reference.py --root data --list files.txt --size 128 --out reference.f32
"""
import argparse
import os
import sys

import numpy
from PIL import Image
from torchvision import transforms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--list", required=True)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    transform = transforms.Compose([transforms.Resize((args.size, args.size)), transforms.ToTensor()])
    with open(args.list, encoding="utf-8") as listing:
        files = [line.strip() for line in listing if line.strip()]
    with open(args.out, "wb") as out:
        for name in files:
            with Image.open(os.path.join(args.root, name)) as image:
                tensor = transform(image.convert("RGB"))
            out.write(tensor.numpy().astype("<f4").tobytes())
    print(f"{len(files)} images preprocessed with torchvision {transforms.__name__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
