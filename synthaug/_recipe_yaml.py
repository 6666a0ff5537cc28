"""YAML recipes: the tables of a TOML recipe, read with PyYAML's safe loader. What YAML 1.1 reads as
something other than it looks (a date, ``no`` as a boolean, a duplicate key it keeps silently) is
refused in one line naming the file, the key and the line; the checks after reading are the TOML
recipe's (``recipe.load_recipe``)."""

from __future__ import annotations

import re
import tomllib

import yaml

from ._errors import DataError

YAML_SUFFIXES = (".yaml", ".yml")
TAG = "tag:yaml.org,2002:"


class RecipeLoader(yaml.SafeLoader):
    """SafeLoader whose mapping keys are their text, as TOML's keys are (``{0: 100}`` and ``{no: 5}``
    of a ``per_class`` were the int 0 and the boolean False), and which reads ``2e-4`` as a number
    (YAML 1.1 reads it as text; TOML and YAML 1.2 as a float)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        self.flatten_mapping(node)  # merges `<<: *anchor` (explicit keys after it win)
        return {key.value: self.construct_object(value, deep=deep) for key, value in node.value}


RecipeLoader.add_implicit_resolver(f"{TAG}float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
                                   list("-+0123456789"))


def is_yaml(path) -> bool:
    return str(path).lower().endswith(YAML_SUFFIXES)


def read_yaml(text: str, source: str) -> dict:
    """The recipe in ``text`` as TOML would give it: a mapping of tables (an empty table, ``model:``
    with nothing under it, is ``{}``), or a DataError beginning with ``source``."""
    loader = RecipeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:  # an empty file: as an empty TOML file, it has no [data]
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise DataError(f"{source}: the top level is {_kind(node)}, not a mapping of tables (data:, model:, "
                            "sample:, ...); see recipes/*.yaml")
        booleans: list = []
        _check_cycles(node, source, set(), set())
        if (size := _expanded_size(node, {})) > MAX_VALUES:
            raise DataError(f"{source}: its aliases expand it to {size:,} values (a recipe holds a few dozen; "
                            f"at most {MAX_VALUES:,} are read): use each anchor less")
        _check_node(node, (), source, booleans)
        recipe = {table: {} if values is None else values for table, values in loader.construct_document(node).items()}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        said = "; ".join(filter(None, [exc.context, exc.problem])) + _toml_hint(text)
        raise DataError(f"{source}: not valid YAML{at}: {said}") from None
    except yaml.YAMLError as exc:  # a control character: ReaderError has a position, no line
        raise DataError(f"{source}: not valid YAML: {' '.join(str(exc).split())}") from None
    finally:
        loader.dispose()
    for path, node in booleans:
        if not _takes_bool(recipe, path):
            raise DataError(f"{source}: {_name(path)}: {node.value} (line {node.start_mark.line + 1}) was read as the "
                            f"boolean {_bool_text(node.value)} (YAML reads yes/no/on/off as booleans), but "
                            f"{_name(path)} takes no boolean; quote it for the text: '{node.value}'")
    return recipe


MAX_VALUES = 100_000
"""The most values a YAML recipe may expand to through its aliases: nine lists of nine aliases of the one
before (a "billion laughs") held 9**9, which checking, validating and writing recipe.toml would walk."""


def _check_cycles(node, source: str, visiting: set[int], done: set[int], path: tuple = ()) -> None:
    """Refuse an alias that holds itself (&a [*a]), each node walked once (the graph, not the tree it expands to)."""
    if id(node) in done:
        return
    if id(node) in visiting:
        raise DataError(f"{source}: {_name(path)}: an alias refers to itself (line {node.start_mark.line + 1})")
    visiting.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            _check_cycles(child, source, visiting, done, (*path, None))
    elif isinstance(node, yaml.MappingNode):
        for key, child in node.value:
            _check_cycles(child, source, visiting, done, (*path, getattr(key, "value", None)))
    visiting.discard(id(node))
    done.add(id(node))


def _children(node) -> list:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return [value for _, value in node.value] if isinstance(node, yaml.MappingNode) else []


def _expanded_size(node, sizes: dict[int, int]) -> int:
    """How many nodes ``node`` holds once its aliases are expanded, each node counted once per place (``sizes``:
    by node id, so an alias is not walked again)."""
    if id(node) not in sizes:
        sizes[id(node)] = 1 + sum(_expanded_size(child, sizes) for child in _children(node))
    return sizes[id(node)]


def _check_node(node, path: tuple, source: str, booleans: list) -> None:
    """Refuse a duplicate key, a date, a base-60 or octal number, or a null where a value is needed; note
    each yes/no/on/off boolean in ``booleans`` as (key path, node): ``_takes_bool`` judges them."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_node(item, (*path, None), source, booleans)
    elif isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if key.tag == f"{TAG}merge":
                _check_node(value, path, source, booleans)
                continue
            if not isinstance(key, yaml.ScalarNode):
                raise DataError(f"{source}: {_name(path)}: a key is {_kind(key)} (line {key.start_mark.line + 1}); "
                                "keys are names")
            if key.value in seen:
                raise DataError(f"{source}: {_name((*path, key.value))}: given twice (lines {seen[key.value]} and "
                                f"{key.start_mark.line + 1}); YAML would keep the last silently: delete one")
            seen[key.value] = key.start_mark.line + 1
            _check_node(value, (*path, key.value), source, booleans)
    else:
        _check_scalar(node, path, source, booleans, line)


def _check_scalar(node: yaml.ScalarNode, path: tuple, source: str, booleans: list, line: int) -> None:
    kind, text, name = node.tag.removeprefix(TAG), node.value, _name(path)
    if kind == "timestamp":
        raise DataError(f"{source}: {name}: {text} (line {line}) was read as a date, which no recipe key takes; "
                        f"quote it for the text: '{text}'")
    if kind in ("int", "float") and ":" in text:  # YAML 1.1's base 60: 1:30 is 90
        raise DataError(f"{source}: {name}: {text} (line {line}) was read as a base-60 number; quote it for the "
                        f"text: '{text}'")
    if kind == "int" and re.fullmatch(r"[-+]?0[0-7_]+", text):  # YAML 1.1's octal: 010 is 8
        raise DataError(f"{source}: {name}: {text} (line {line}) was read as an octal number; write it without "
                        f"the leading 0, or quote it for the text: '{text}'")
    if kind == "bool" and text.lower() not in ("true", "false"):
        booleans.append((path, node))
    null_allowed = len(path) == 1 or (len(path) == 2 and path[0] == "model")  # an empty table; None of a parameter
    if kind == "null" and not null_allowed:
        where = f"an item of {_name(path)}" if path[-1] is None else name
        raise DataError(f"{source}: {where} is empty (null, line {line}); give it a value, or delete "
                        f"{'it' if path[-1] is None else 'the line'}")


def _takes_bool(recipe: dict, path: tuple) -> bool:
    """Whether the key at ``path`` takes a boolean, or its table or key is unknown (``validate`` says which);
    an item of a list or of a key's mapping takes none."""
    from ._overrides import check_params
    from .recipe import SCHEMA, model_class

    if len(path) != 2 or None in path:
        return False
    table, key = path
    if table in SCHEMA:
        return bool in SCHEMA[table].get(key, (bool,))
    if table != "model" or not isinstance(recipe.get("data"), dict):
        return True
    try:
        cls = model_class(recipe)
    except (DataError, KeyError, TypeError, OSError):  # no data source, or an unknown data.modality: said later
        return True
    if key not in cls().get_params():
        return True
    try:
        check_params(cls, {key: True}, "")
    except DataError:
        return False
    return True


def _toml_hint(text: str) -> str:
    """A TOML recipe saved as .yaml: say so, and to rename it."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ""
    return " (the file is TOML: a TOML recipe's name ends in .toml)"


def _name(path: tuple) -> str:
    """``("model", "keep", None)`` -> ``model.keep``; the top level is ``the recipe``."""
    return ".".join(str(part) for part in path if part is not None) or "the recipe"


def _kind(node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"a single value ({node.value!r})"


def _bool_text(text: str) -> str:
    return "true" if text.lower() in ("yes", "on", "y") else "false"
