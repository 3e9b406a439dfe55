"""The baseline's logistic cat/dog classifier as a user's own program that GridSearch tunes.

Flatten -> Linear(3*128*128 -> 1) -> Sigmoid, binary cross-entropy, SGD, an 80/10/10 split of an image folder (one
sub-folder per class). It reads its values with gridsearch_run.params(), keeps a checkpoint in the run folder after
every epoch and reports the epoch only then, so GridSearch can stop, retry, resume or move the run at any epoch and
get the same numbers as a run that was never interrupted.

    gridsearch run --config examples/pytorch/sweep.yaml --data ../shared/datasets/cat_dog
"""

import argparse
import os
import sys

import torch
from torch import nn
from torchvision import datasets, transforms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import gridsearch_run as gs  # noqa: E402


def load_splits(root, size, seed):
    """Decodes the folder once per attempt and splits it 80/10/10 with the sweep's seed (the same split every run)."""
    folder = datasets.ImageFolder(root, transform=transforms.Compose([transforms.Resize((size, size)), transforms.ToTensor()]))
    images = torch.stack([image for image, _ in folder])
    labels = torch.tensor([label for _, label in folder], dtype=torch.float32)
    order = torch.randperm(len(folder), generator=torch.Generator().manual_seed(seed))
    train, val = int(0.8 * len(order)), int(0.1 * len(order))
    parts = order[:train], order[train:train + val], order[train + val:]
    return [(images[p], labels[p]) for p in parts]


def accuracy_and_loss(model, images, labels):
    with torch.no_grad():
        scores = model(images).squeeze(1)
        return ((scores > 0.5).float() == labels).float().mean().item(), nn.functional.binary_cross_entropy(scores, labels).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=gs.data_dir(), help="image folder root (default: the sweep's data:)")
    parser.add_argument("--image-size", type=int, default=128)
    args = parser.parse_args()
    if not args.data:
        parser.error("give --data DIR (or data: in the sweep file)")

    params = gs.params()
    lr, batch_size, seed = float(params["lr"]), int(params.get("batch_size", 16)), gs.seed()
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    (train_x, train_y), (val_x, val_y), _ = load_splits(args.data, args.image_size, seed)

    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * args.image_size * args.image_size, 1), nn.Sigmoid())
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    checkpoint = os.path.join(gs.run_dir(), "checkpoint.pt")
    done = 0
    if os.path.exists(checkpoint):  # a retry, a resume or another trainer: continue after the last reported epoch
        state = torch.load(checkpoint)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        done = state["epoch"]

    for epoch in range(done + 1, gs.epochs() + 1):
        # Each epoch's shuffle comes from the seed and the epoch alone, so a resumed run shuffles as an unbroken one.
        order = torch.randperm(len(train_x), generator=torch.Generator().manual_seed(seed * 1000 + epoch))
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = nn.functional.binary_cross_entropy(model(train_x[batch]).squeeze(1), train_y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        val_accuracy, val_loss = accuracy_and_loss(model, val_x, val_y)
        # The checkpoint first, atomically; then the report: the epoch is done.
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, checkpoint + ".tmp")
        os.replace(checkpoint + ".tmp", checkpoint)
        gs.report(epoch, val_accuracy=val_accuracy, train_loss=total / len(order), val_loss=val_loss)


if __name__ == "__main__":
    main()
