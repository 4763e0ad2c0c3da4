"""The one YAML loader: parse a config file, validate it with pydantic, and turn every error
into a "file:line: what is wrong" line (DESIGN §4). Every layer may use it. Also the one time zone
of the code base: every duty time is Beijing time."""
from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
TZ = ZoneInfo("Asia/Shanghai")  # the one time zone constant (no DST since 1991)


def now() -> datetime:
    """The one clock: the current time, aware, in Beijing time."""
    return datetime.now(TZ)


class _Loader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and reads `08:00`/`20:00` as strings (YAML 1.1 would
    make 20:00 the base-60 integer 1200): every time in our files is a string."""


_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in rs if tag not in (_INT, _FLOAT)]
    for ch, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver(_INT, re.compile(
    r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789."))


def _no_duplicate_keys(loader: _Loader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            first = seen.setdefault(key, key_node.start_mark.line + 1)
        except TypeError:  # an unhashable key: SafeLoader reports it below
            continue
        if first != key_node.start_mark.line + 1:
            raise yaml.constructor.ConstructorError(
                None, None, f"键 {key!r} 重复 (第 {first} 行与第 {key_node.start_mark.line + 1} 行)",
                key_node.start_mark)
    return yaml.SafeLoader.construct_mapping(loader, node, deep)


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    data: dict = {}
    yield data  # PyYAML's two-step construction (recursive structures)
    data.update(_no_duplicate_keys(loader, node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


class ConfigError(Exception):
    """A configuration problem, already phrased for a one-line message."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


def _node_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Walk the composed YAML node tree along a pydantic error location; return the
    1-based line of the deepest node reached."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            if nxt is None:
                continue  # a key pydantic adds (a union's tag, "function-after"): stay here
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


_MESSAGES = {"extra_forbidden": "未知的键 (unknown key)", "missing": "缺少必填项",
             "string_pattern_mismatch": "格式不对", "string_type": "应为字符串",
             "int_parsing": "应为整数", "float_parsing": "应为数字", "bool_parsing": "应为 true 或 false",
             "list_type": "应为列表", "dict_type": "应为映射 (键: 值)", "model_type": "应为映射 (键: 值)"}


# messages that quote a bound or the allowed values (pydantic's ctx)
_BOUNDED = {"greater_than_equal": "应不小于 {ge}", "greater_than": "应大于 {gt}",
            "less_than_equal": "应不大于 {le}", "less_than": "应小于 {lt}",
            "too_short": "至少需要 {min_length} 项", "literal_error": "应为 {expected} 之一"}


def _describe(err: dict) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
    kind, ctx = err.get("type"), err.get("ctx") or {}
    msg = _MESSAGES.get(kind, err["msg"])
    if kind == "value_error" and "error" in ctx:  # our validators' own (Chinese) text
        msg = str(ctx["error"])
    elif kind in _BOUNDED:
        try:
            msg = _BOUNDED[kind].format(**{k: str(v).replace(" or ", "、") for k, v in ctx.items()})
        except (KeyError, IndexError):
            pass
    return f"{loc}: {msg}" if loc else msg


def parse_yaml_text(text: str, path: str | Path) -> tuple[Any, yaml.Node | None]:
    """Parse once: the data and the node tree whose marks give each value's line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(path, line, f"YAML 格式错误 (invalid YAML): {e.problem or e.context}") from None
    except yaml.YAMLError as e:
        raise ConfigError(path, None, f"YAML 格式错误 (invalid YAML): {e}") from None
    finally:
        loader.dispose()
    return data, node


def validate(model: type[M], data: Any, node: yaml.Node | None, path: str | Path) -> M:
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as e:
        # every problem, each on its own line with its own line number
        found = [(_node_line(node, tuple(err["loc"])), _describe(err)) for err in e.errors()]
        (line, first), rest = found[0], found[1:]
        more = "".join(f"\n{path}:{n}: {msg}" if n else f"\n{path}: {msg}" for n, msg in rest)
        raise ConfigError(path, line, first + more) from None


def load_yaml(path: str | Path, model: type[M], *, section: str | None = None,
              required: bool = True) -> M:
    """Load `path` (or one top-level `section` of it) into `model`.

    A missing optional file yields the model's defaults."""
    path = Path(path)
    if not path.exists():
        if required:
            raise ConfigError(path, None, "file not found")
        return model.model_validate({})
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(path, None, f"not UTF-8 text ({e.reason})") from None
    data, node = parse_yaml_text(text, path)
    if section is not None:
        if data is not None and not isinstance(data, dict):
            raise ConfigError(path, 1, "expected a mapping at the top level")
        data = (data or {}).get(section)
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == section), None)
    return validate(model, data, node, path)


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNIT_SECONDS = {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: int | float | str) -> float:
    """Seconds from a config duration: 90, "90s", "5m", "1h", "1d"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    m = _DURATION.match(str(value))
    if not m:
        raise ValueError(f"not a duration: {value!r} (use e.g. 90, 90s, 5m, 1h)")
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]


class BeijingFormatter(logging.Formatter):
    """Log times in Beijing time with the offset written out, whatever the host's zone: the watch,
    its crawl workers and Scrapy's own lines all read on one clock."""

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return datetime.fromtimestamp(record.created, TZ).isoformat(timespec="seconds")
