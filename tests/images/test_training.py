import numpy as np
import pytest

from synthaug.images.synthesizer import ImageCGAN

from .conftest import TINY


def test_lecam_weight_changes_the_fit_and_is_checked(images):
    x, codes = images
    plain = ImageCGAN(**TINY, random_state=0).fit(x, codes).sample(n=6, random_state=1)[0]
    lecam = ImageCGAN(**TINY, lecam_weight=10.0, random_state=0).fit(x, codes).sample(n=6, random_state=1)[0]
    assert not np.array_equal(plain, lecam)
    with pytest.raises(ValueError, match="lecam_weight"):
        ImageCGAN(**TINY, lecam_weight=-1.0).fit(x, codes)
