"""Every README block marked ``<!-- example -->`` runs as written."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"
BLOCKS = re.findall(r"<!-- example -->\n```(python|bash)\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_examples_for_every_entry_point():
    text = " ".join(code for _, code in BLOCKS)
    for entry in ("synthaug fit", "synthaug sample", "synthaug evaluate", "TabularCGAN", "SynthOverSampler",
                  "AugmentedDataset", "ImageCGAN", "share(", "evaluate("):
        assert entry in text, entry


@pytest.mark.parametrize(("language", "code"), BLOCKS, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(BLOCKS)])
def test_readme_example_runs(language, code, tmp_path):
    command = [sys.executable, "-c", code] if language == "python" else ["bash", "-e", "-c", code]
    env_bin = str(Path(sys.executable).parent)
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={"PATH": f"{env_bin}:/usr/bin:/bin", "OMP_NUM_THREADS": "1", "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr[-3000:]
