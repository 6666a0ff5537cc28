"""The resolved recipe as TOML text, written without a TOML library (the standard library reads
TOML but does not write it)."""

from __future__ import annotations


def to_toml(recipe: dict) -> str:
    """The resolved recipe as TOML (tables of strings, numbers, booleans, lists, inline tables)."""
    lines = []
    for table, values in recipe.items():
        lines += [f"[{table}]"] + (SHA256_NOTE if table == "sha256" else [])
        lines += [f"{_toml_key(key)} = {_toml_value(value)}" if value is not None else
                  f"# {key} = null (TOML has no null: add --set {table}.{key}=null)"  # "None" would be text
                  for key, value in values.items()]
        lines.append("")
    return "\n".join(lines)


SHA256_NOTE = ["# the SHA-256 of each file as this run read it: a rerun of this recipe refuses a file that",
               "# has changed since (delete its line, or --set sha256.data.path=null, to run on it as it is now)"]


def _toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # inf and nan are TOML too
    return _toml_string(str(value))


TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(text: str) -> str:
    """A TOML basic string: other characters stay as they are (json.dumps wrote an emoji as a
    surrogate pair, which TOML refuses, and left DEL unescaped, which TOML forbids)."""
    return '"' + "".join(TOML_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
                         for c in text) + '"'


def _toml_key(key) -> str:
    key = str(key)
    return key if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key) else _toml_string(key)
