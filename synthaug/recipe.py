"""Recipes, TOML or YAML of the same tables: one file says what data, which model (constructor keyword
arguments), how many synthetic records, and how to evaluate or release them. ``synthaug run`` executes one."""

from __future__ import annotations

import contextlib
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path

from ._errors import DataError
from ._overrides import check_params, parse_value
from ._paths import is_image_input
from ._provenance import DIGESTED
from ._random import check_seed
from ._recipe_values import value_problem
from ._recipe_yaml import is_yaml, read_yaml
from ._text import RECIPE, closest_name, options_named_for
from .io import TABLE_SUFFIXES, table_suffix

# Every table but [model] has a fixed set of keys and types; [model] takes the constructor's.
SCHEMA: dict[str, dict[str, tuple[type, ...]]] = {
    "data": {"path": (str,), "dataset": (str,), "target": (str,), "test_size": (float,), "test_path": (str,),
             "rows_per_class": (int,), "holdout": (bool,), "modality": (str,), "seed": (int,)},
    "sample": {"n": (int,), "per_class": (int, dict), "balance": (bool,), "ratio": (float, int)},
    "evaluate": {"seeds": (int,), "ratios": (list,), "baselines": (list,), "steps": (int,), "max_synthetic": (int,),
                 "n_pairs": (int,), "judge": (str,)},
    "share": {"max_dcr_share": (float, int), "max_membership_auc": (float, int), "max_exact_copies": (int,),
              "gates": (dict,), "filter_close": (float,), "holdout": (float,), "n": (int,), "seeds": (int,),
              "per_class": (int, dict), "balance": (bool,), "ratio": (float, int)},
    "sha256": {key: (str,) for key in DIGESTED},  # "data.path" = the file's SHA-256 when a run read it
}
TABLES = (*SCHEMA, "model")
SOURCES = ("path", "dataset")  # where [data] comes from: exactly one of them
REQUESTS = ("n", "per_class", "balance", "ratio")  # how many rows [sample] (or [share]) asks for: one of them
# a --set of one key replaces the others of its group
EXCLUSIVE = {"data": [SOURCES], "sample": [REQUESTS], "share": [REQUESTS]}


def load_recipe(path: str | Path, overrides: Iterable[str] = ()) -> dict:
    """Read a recipe, apply ``table.key=value`` overrides, and check every key and type."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: recipe not found")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:  # read_text() raised it outside the try, as a traceback
        raise DataError(f"{path}: not UTF-8 text (byte {exc.start + 1}); save the recipe as UTF-8") from None
    try:  # from here on, one path for both formats
        recipe = read_yaml(text, str(path)) if is_yaml(path) else tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path}: not valid TOML ({exc}); a YAML recipe's name ends in .yaml or .yml") from None
    _check_one_source(recipe.get("data"), str(path))  # the file's own choice; a --set of either replaces the other
    if isinstance(recipe.get("sha256"), dict):  # an unquoted data.path = "..." in [sha256] is read as a table
        recipe["sha256"] = _dotted(recipe["sha256"])
    read_model = dict(recipe["model"]) if isinstance(recipe.get("model"), dict) else {}
    origins = {}
    for item in overrides:
        origins[_apply_override(recipe, item)] = f"--set {item.strip()}"
    return validate(recipe, str(path), origins, read_model)


def blame_override(message: str, overrides: Iterable[str], source: str | Path) -> str:
    """``message`` of an error the run found after reading the data (``data.target: column 'x' not
    found``), beginning with the ``--set`` that gave the key it starts with its value, if one did:
    ``--set data.target=x: data.target: ...``; else, when it starts with a recipe key (or ``[table]``),
    with the recipe file ``source``, as the errors found before reading the data do; else unchanged."""
    for item in reversed(list(overrides)):  # the last --set of a key is the one in force
        key = item.partition("=")[0].strip()
        if re.match(rf"{re.escape(key)}(?=[\s:=])", message):
            return f"--set {item.strip()}: {message}"
    if re.match(rf"\[?(?:{'|'.join(TABLES)})[.\]]", message):  # "data.target: ..." named no file
        return f"{source}: {message}"
    return message


def _dotted(values: dict, prefix: str = "") -> dict:
    """``{"data": {"path": x}}`` -> ``{"data.path": x}``."""
    out = {}
    for key, value in values.items():
        out.update(_dotted(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value})
    return out


def _apply_override(recipe: dict, item: str) -> str:
    """Set (or, null, remove) one key; returns its ``table.key``. A key given anew loses its
    [sha256] digest: that was of the file it named before."""
    key, sep, value = item.partition("=")
    table, dot, name = key.strip().partition(".")
    if not sep or not dot or not name:
        raise DataError(f"--set: expected TABLE.KEY=VALUE (e.g. model.epochs=5), got {item!r}")
    values = recipe.setdefault(table, {})
    if not isinstance(values, dict):
        raise DataError(f"--set {key.strip()}: [{table}] in the recipe is not a table of keys")
    parsed = parse_value(value.strip())
    removes = parsed is None and table != "model"  # no [data]/[sample]/... key takes null: it removes the key
    replaced = {name}
    for group in EXCLUSIVE.get(table, ()):  # `--set data.path=mine.csv` on a recipe of sklearn:NAME uses mine.csv
        # a null removes its own key only (`--set data.path=X --set data.dataset=null` removed X too)
        if name in group and not removes:
            for other in group:
                values.pop(other, None)
            replaced.update(group)
    if isinstance(recipe.get("sha256"), dict):
        for key in replaced:
            recipe["sha256"].pop(f"{table}.{key}", None)
    if removes:
        values.pop(name, None)
    else:
        values[name] = parsed
    return f"{table}.{name}"


def _check_one_source(data, source: str) -> None:
    if isinstance(data, dict) and all(key in data for key in SOURCES):
        raise DataError(f"{source}: data.path and data.dataset are both set; keep one (data.path is a file or "
                        "folder of yours, data.dataset an embedded sklearn:NAME)")


Where = Callable[..., str]
"""``where("model.epochs", ...)``: what an error about those keys blames, the ``--set`` that gave the
first of them a value, else the recipe file."""


def validate(recipe: dict, source: str, origins: dict[str, str] | None = None,
             read_model: dict | None = None) -> dict:
    """Raise a one-line DataError naming the first unknown table, key or mistyped value, or a key
    this recipe's modality would not use. It begins with ``source`` (the recipe file), or with the
    ``--set table.key=value`` that gave the key its value (``origins``: ``table.key`` -> that text).
    ``read_model``: the [model] table as the file holds it, before the overrides; with it, an error of
    the estimator's own checks that names no ``--set`` key names the ``--set`` that made [model] fail."""
    origins = origins or {}

    def where(*keys: str) -> str:  # "recipes/adult.toml: model.epochs ..." blamed the file for a --set value
        return next((origins[key] for key in keys if key in origins), source)

    _check_types(recipe, where)
    for table, values in recipe.items():
        for key, value in values.items():
            _check_writable(value, f"{where(f'{table}.{key}')}: {table}.{key}", top=True)
    data = recipe["data"]
    _check_one_source(data, where("data.path", "data.dataset"))
    if "seed" in data:  # -5 was a ValueError traceback from numpy, after the output folder was made
        check_seed(data["seed"], f"{where('data.seed')}: data.seed")
    _check_requests(recipe, where)
    _check_values(recipe, where)
    _check_digested(recipe, where)
    _check_modality_keys(recipe, where)
    for key, value in recipe.get("model", {}).items():
        check_params(model_class(recipe), {key: value}, f"{where(f'model.{key}')}: model")
    _check_model_values(recipe, where, _model_stages(recipe, source, origins, read_model))
    return recipe


def _check_requests(recipe: dict, where: Where) -> None:
    """[sample] asks for exactly one of n, per_class, balance = true or ratio; [share] for at most one (none:
    as many records as training rows). Sampling refused two, but only after reading the data (or training),
    naming no recipe file."""
    for table, least in (("sample", 1), ("share", 0)):
        values = recipe.get(table, {})
        asked = [key for key, value in values.items() if key in REQUESTS and (key != "balance" or value)]
        if table in recipe and not least <= len(asked) <= 1:
            blamed = where(*(f"{table}.{key}" for key in values if key in REQUESTS))
            raise DataError(f"{blamed}: [{table}] takes {'exactly' if least else 'at most'} one of n, per_class, "
                            "balance = true or ratio" + (f" (got {', '.join(asked)})" if asked else ""))


def _check_values(recipe: dict, where: Where) -> None:
    """Values of the right type but out of range, refused before any training, naming the recipe key."""
    found = value_problem(recipe)
    if found:
        key, problem = found
        with contextlib.suppress(DataError, KeyError, OSError):  # the data's own problems are told later
            problem = problem.replace(" rows", " images") if modality(recipe) == "image" else problem
        raise DataError(f"{where(key)}: {key}: {problem}")


def _check_digested(recipe: dict, where: Where) -> None:
    """A [sha256] digest is of a file the recipe names (an inline public schema or sklearn:NAME has none)."""
    for key in recipe.get("sha256", {}):
        table, _, name = key.partition(".")
        if not isinstance(recipe.get(table, {}).get(name), str):
            raise DataError(f"{where(f'sha256.{key}', key)}: sha256.\"{key}\" is the SHA-256 of a file, but the "
                            f"recipe's {key} names none; delete it")


def _check_model_values(recipe: dict, where: Where, stages: list[tuple[str, dict]]) -> None:
    """The estimator's own parameter checks (run first thing in ``fit``), before the data is read. The
    error names the ``--set`` of a key its message names; else the first of ``stages`` whose [model]
    fails (``r.toml`` with ``loss = "wgan-gp"`` and ``--set model.dp_epsilon=1``: the ``--set``, though
    the message names model.loss); else the recipe file."""
    cls, image = model_class(recipe), modality(recipe) == "image"
    message = _model_problem(cls, image, recipe.get("model", {}))
    if message is None:
        return
    names = cls(**recipe.get("model", {})).get_params()
    named = [f"model.{name}" for name in names if re.search(rf"\bmodel\.{name}\b", message)]
    blamed = where(*named)
    if blamed == where():  # no key it names came from a --set: which value made [model] fail?
        blamed = next((origin for origin, model in stages if _fails(cls, image, model)), blamed)
    raise DataError(f"{blamed}: {message}")


def _model_problem(cls: type, image: bool, model: dict) -> str | None:
    """What the estimator's own checks refuse in a [model] table, naming recipe keys; None if nothing."""
    if image:
        from .images.params import check_params as check_model
    else:
        from .tabular.params import check_params as check_model
    estimator = cls(**model)
    try:
        with options_named_for(RECIPE):  # "model.epochs must be >= 1; got -5", not "--epochs ..."
            check_model(estimator.get_params(deep=False))
    except DataError as exc:
        message = str(exc)
        bare = any(message.startswith(name) and message[len(name):][:1] in " :=" for name in estimator.get_params())
        return ("" if message.startswith("model.") else "model." if bare else "[model] ") + message
    return None


def _model_stages(recipe: dict, source: str, origins: dict[str, str], read_model: dict | None) -> list:
    """``(source, [model] as the file holds it)``, then ``(--set text, [model] after it)`` for each --set of
    a model key in turn (empty without ``read_model``): the tables :func:`_check_model_values` tries."""
    if read_model is None:
        return []
    model, stages = dict(read_model), [(source, dict(read_model))]
    for key, origin in origins.items():
        table, _, name = key.partition(".")
        if table == "model" and name in recipe.get("model", {}):
            model[name] = recipe["model"][name]
            stages.append((origin, dict(model)))
    return stages


def _fails(cls: type, image: bool, model: dict) -> bool:
    """Whether the estimator's checks refuse ``model``: a value a --set replaced was never type-checked,
    so a TypeError or ValueError from one is a refusal too."""
    try:
        return _model_problem(cls, image, model) is not None
    except (TypeError, ValueError):
        return True


def _check_types(recipe: dict, where: Where) -> None:
    for table, values in recipe.items():
        if table not in TABLES and not isinstance(values, dict):  # `dp_epsilon = 1` above every [table] line
            raise DataError(f"{where()}: {table} = {values!r} is outside any table; {_table_hint(recipe, table)}")
        if table not in TABLES:
            keys = [f"{table}.{key}" for key in values]
            raise DataError(f"{where(*keys)}: unknown table [{table}]{closest_name(table, TABLES)}")
        if not isinstance(values, dict):
            raise DataError(f"{where()}: [{table}] must be a table of keys")
    data = recipe.setdefault("data", {})
    for table, keys in SCHEMA.items():
        for key, value in recipe.get(table, {}).items():
            if key not in keys:  # before "[data] needs path or dataset": data.folder = "train" was not named
                raise DataError(f"{where(f'{table}.{key}')}: unknown key {table}.{key}{_suggest(table, key, keys)}; "
                                f"[{table}] takes {', '.join(_keys_taken(recipe, table))}")
            allowed = keys[key] + ((int,) if float in keys[key] else ())
            if (isinstance(value, bool) and bool not in allowed) or not isinstance(value, allowed):
                kinds = " or ".join(t.__name__ for t in keys[key])
                raise DataError(f"{where(f'{table}.{key}')}: {table}.{key} expects {kinds}, got {value!r}")
    if "path" not in data and "dataset" not in data:
        raise DataError(f"{where('data.path', 'data.dataset')}: [data] needs path or dataset")


def _keys_taken(recipe: dict, table: str) -> list[str]:
    """The keys of ``table`` this recipe takes: an image recipe's [evaluate] lists no table-only key (ratios),
    which it would then refuse; all of them while the modality is unknown."""
    try:
        kind = modality(recipe)
    except (DataError, KeyError):  # no data.path yet, or an unknown data.modality: said later
        return list(SCHEMA[table])
    return [key for key in SCHEMA[table] if f"{table}.{key}" not in UNUSED[kind]]


# The names the CLI and Python give options whose recipe keys differ (--classifier-steps, --ratio, n_seeds).
ALIASES = {"data.folder": "data.path", "data.file": "data.path", "data.dir": "data.path", "data.test": "data.test_path",
           "data.test_file": "data.test_path", "data.test_folder": "data.test_path",
           "evaluate.classifier_steps": "evaluate.steps", "evaluate.ratio": "evaluate.ratios",
           "evaluate.n_seeds": "evaluate.seeds", "share.n_seeds": "share.seeds", "evaluate.seed": "data.seed",
           "share.gate": "share.gates", "share.filter_quantile": "share.filter_close", "data.random_state": "data.seed",
           "evaluate.no_real_images": "evaluate.n_pairs = 0"}


def _suggest(table: str, key: str, keys) -> str:
    """`` (did you mean ...?)``: the recipe key of a CLI option or Python name, else the closest key."""
    name = f"{table}.{key.replace('-', '_')}"
    if name in ALIASES:
        return f" (did you mean {ALIASES[name]!r}?)"
    return closest_name(key.replace("-", "_"), keys)


def _check_writable(value, where: str, top: bool = False) -> None:
    """A value the resolved recipe.toml can hold: no null inside a list or inline table (it was
    written as the text "None"), no text that is not Unicode (it could not be written at all)."""
    if value is None and not top:
        raise DataError(f"{where}: null inside a list or inline table; TOML has no null, so the run's "
                        "resolved recipe.toml could not record it")
    if isinstance(value, str) and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise DataError(f"{where}: {value!r} is not valid Unicode text") from None
    for item in value.values() if isinstance(value, dict) else value if isinstance(value, list) else ():
        _check_writable(item, where)


# Keys a recipe of one modality would accept and then silently ignore, and why ([share] is run_recipe's).
UNUSED = {
    "image": {"data.target": "its labels are the class subfolders' names, the .npz's y or the digits'",
              "data.holdout": "an image run holds no images out: its privacy section, exact copies and nearest-"
                              "training distances, compares the synthetic images with the training ones, so a "
                              "holdout only takes images away; or set false",
              "evaluate.ratios": "an image run mixes real and synthetic images by its own conditions",
              "evaluate.baselines": "an image run compares against albumentations, not SMOTE or ROS",
              "evaluate.max_synthetic": "an image run measures every synthetic image"},
    "table": {"evaluate.steps": "it is the image evaluation's CNN training steps; tables train LR, RF and HGB",
              "evaluate.n_pairs": "it is the image report's strip of closest synthetic/training pairs",
              "evaluate.judge": "it is the image evaluation's CAS judge"},
}


def _check_modality_keys(recipe: dict, where: Where) -> None:
    data = recipe["data"]
    try:
        kind = modality(recipe)
    except DataError as exc:  # data.modality = 'tabel', or data.path an image folder that is not there
        raise DataError(f"{where('data.modality', 'data.path')}: {exc}") from None
    if kind == "image" and data.get("dataset", "sklearn:digits") != "sklearn:digits":
        raise DataError(f"{where('data.dataset', 'data.modality')}: data.dataset {data['dataset']!r} is not a set "
                        "of images; with data.modality = 'image' use sklearn:digits, or data.path (an image folder "
                        "or .npz)")
    if kind == "table" and "path" in data and is_image_input(Path(str(data["path"]))):  # it asked for data.target
        raise DataError(f"{where('data.modality', 'data.path')}: data.path: {data['path']} is "
                        f"{'a folder' if Path(str(data['path'])).is_dir() else 'not a table file'}, but data.modality "
                        "is 'table'; give a table file, or data.modality = 'image' for images")
    if kind == "table" and "path" in data and "target" not in data:  # refused by _run.load_table, after --seed's checks
        raise DataError(f"{where('data.path', 'data.target')}: data.target: the class label column is required "
                        "with data.path")
    present = {f"{table}.{key}" for table, values in recipe.items() for key in values}
    present -= {"data.holdout"} if data.get("holdout") is False else set()  # false is what an image run does
    for key, why in UNUSED[kind].items():
        if key in present:
            recipe_kind = "an image" if kind == "image" else "a table"
            raise DataError(f"{where(key, 'data.modality')}: {key} is not used by {recipe_kind} recipe ({why}); "
                            "remove it")
    if "test_path" in data and "test_size" in data:  # one of them would be ignored
        raise DataError(f"{where('data.test_size', 'data.test_path')}: data.test_size: not used with data.test_path "
                        "(that file is the test set, and every row of data.path may train); remove one of them")
    if kind == "table" and data.get("holdout") and "rows_per_class" not in data and "share" not in recipe:
        raise DataError(f"{where('data.holdout', 'data.rows_per_class')}: data.holdout = true needs "
                        "data.rows_per_class (the holdout is drawn beside those training rows); without it no "
                        "holdout is made and the test set is the privacy reference")


def modality(recipe: dict) -> str:
    data = recipe["data"]
    if "modality" in data:
        if data["modality"] not in ("table", "image"):
            raise DataError(f"data.modality must be 'table' or 'image', got {data['modality']!r}")
        return data["modality"]
    if "dataset" in data:
        return "image" if data["dataset"] == "sklearn:digits" else "table"
    path = Path(data["path"])
    if table_suffix(path) in TABLE_SUFFIXES:  # a table even before the file is there
        return "table"
    if not path.exists():  # a mistyped image folder was taken for a table: "unknown parameter 'steps' for TabularCGAN"
        raise DataError(f"data.path: {path}: not found (a table file, an image folder or an .npz)")
    return "image" if path.suffix.lower() == ".npz" or path.is_dir() else "table"


def _table_hint(recipe: dict, key: str) -> str:
    """Where a key written outside every table belongs: "move the line under [model]", or the tables."""
    homes = [table for table, keys in SCHEMA.items() if key in keys]
    with contextlib.suppress(DataError):  # an unknown data.modality: said when [data] is checked
        homes += ["model"] if key in model_class(recipe)().get_params() else []
    if homes:
        return f"move the line under [{homes[0]}]" + (f" (or {', '.join(f'[{t}]' for t in homes[1:])})"
                                                     if len(homes) > 1 else "")
    return f"keys go under one of the tables {', '.join(f'[{t}]' for t in TABLES)}"


def model_class(recipe: dict) -> type:
    if modality(recipe) == "image":
        from .images.synthesizer import ImageCGAN

        return ImageCGAN
    from .tabular.synthesizer import TabularCGAN

    return TabularCGAN
