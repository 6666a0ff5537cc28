"""The package's public names: the heavy ones load on first use (PEP 562)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import synthaug

ROOT = Path(__file__).parents[1]
LAZY = ["AugmentedDataset", "ImageCGAN", "SynthOverSampler", "TabularCGAN"]

RESOLVE_LAZILY = """
import sys
import synthaug
print(*[m for m in ("torch", "pandas", "sklearn") if m in sys.modules])
print(*[name for name in dir(synthaug) if name in synthaug.__all__])
from synthaug import TabularCGAN
print(TabularCGAN.__module__, synthaug.ImageCGAN.__module__, synthaug.AugmentedDataset.__module__,
      synthaug.SynthOverSampler.__module__)
print(*[m for m in ("torch", "pandas", "sklearn") if m in sys.modules])
"""


def test_heavy_names_load_on_first_use_and_dir_lists_them():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", RESOLVE_LAZILY], capture_output=True, text=True, env=env,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == [
        "",  # `import synthaug` alone loads none of them
        " ".join(sorted(synthaug.__all__)),
        "synthaug.tabular.synthesizer synthaug.images.synthesizer synthaug.torch_data synthaug.augment",
        "torch pandas sklearn",
    ]


def test_every_public_name_resolves():
    from synthaug.augment import SynthOverSampler
    from synthaug.images.synthesizer import ImageCGAN
    from synthaug.tabular.synthesizer import TabularCGAN
    from synthaug.torch_data import AugmentedDataset

    assert [getattr(synthaug, name) for name in LAZY] == [AugmentedDataset, ImageCGAN, SynthOverSampler, TabularCGAN]
    assert all(hasattr(synthaug, name) for name in synthaug.__all__)
    assert {*synthaug.__all__, "MODEL_TYPES", "__version__"} <= set(dir(synthaug))


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="^module 'synthaug' has no attribute 'TabularGAN'$"):
        synthaug.TabularGAN  # noqa: B018


def test_subpackages_are_attributes_of_the_package_as_before_the_lazy_imports():
    """`import synthaug; synthaug.evaluate.evaluate(...)` worked when `import synthaug` loaded everything."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    code = ("import synthaug; print(synthaug.evaluate.evaluate.__module__, synthaug.tabular.__name__, "
            "synthaug.share.share.__name__, 'evaluate' in dir(synthaug))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["synthaug.evaluate.core", "synthaug.tabular", "share", "True"]


def test_every_warning_class_is_a_public_name():
    # FilterNotAppliedWarning (which the CLI keys on) could only be imported from synthaug._errors
    import inspect

    from synthaug import _errors

    classes = {name for name, obj in inspect.getmembers(_errors, inspect.isclass) if issubclass(obj, Warning)}
    assert classes == {"SynthaugWarning", "FilterNotAppliedWarning", "DraftSchemaWarning"}
    assert classes <= set(synthaug.__all__)
    assert issubclass(synthaug.FilterNotAppliedWarning, synthaug.SynthaugWarning)
    from synthaug.tabular.public_schema import DraftSchemaWarning

    assert DraftSchemaWarning is synthaug.DraftSchemaWarning  # the name public_schema has exported stays
