import numpy as np
import pytest
import torch

from synthaug.images.label_filter import filter_by_label, head_classifier
from synthaug.images.networks import Discriminator, ImageNetConfig


def _stream(values):
    """A fake generator: image i of the call is one pixel holding the next value of ``values``."""
    it = iter(values)

    def generate(codes):
        return np.array([next(it) for _ in codes], dtype=np.uint8).reshape(-1, 1, 1, 1)

    return generate


def classify(images):  # the "class" of a fake image is its pixel value
    return images[:, 0, 0, 0].astype(np.int64)


def test_rejects_are_regenerated_until_the_head_agrees():
    codes = np.array([0, 1, 2])
    # round 1: 0 ok, 1 wrong (5), 2 ok; round 2 (code 1 only): wrong (7); round 3: right
    out, regenerated, kept = filter_by_label(_stream([0, 5, 2, 7, 1]), classify, codes)
    assert out[:, 0, 0, 0].tolist() == [0, 1, 2]
    assert (regenerated, kept) == (2, 0)


def test_after_the_last_round_images_are_kept_and_counted():
    out, regenerated, kept = filter_by_label(_stream([9, 0, 8, 7]), classify, np.array([1, 0]), rounds=3)
    assert out[:, 0, 0, 0].tolist() == [7, 0]  # the third try for code 1 is kept although it reads as 7
    assert (regenerated, kept) == (2, 1)


def test_empty_request():
    out, regenerated, kept = filter_by_label(_stream([]), classify, np.zeros(0, dtype=np.int64))
    assert len(out) == 0 and (regenerated, kept) == (0, 0)


def test_head_classifier_reads_the_discriminator_class_head():
    cfg = ImageNetConfig(image_size=8, channels=1, n_classes=3, latent_dim=4, width=2)
    D = Discriminator(cfg, classifier=True).eval()
    with torch.no_grad():  # a head that always says class 2
        D.classifier.weight.zero_()
        D.classifier.bias.copy_(torch.tensor([0.0, 0.0, 5.0]))
    images = np.random.default_rng(0).integers(0, 256, (5, 8, 8, 1)).astype(np.uint8)
    assert head_classifier(D)(images).tolist() == [2] * 5
    with pytest.raises(RuntimeError, match="class head"):
        Discriminator(cfg).class_logits(torch.zeros(1, 1, 8, 8))
