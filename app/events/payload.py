"""Typed event payloads: a frozen dataclass per event type, and the JSON form of its data.

A payload class names its wire ``type`` and declares its fields with plain types
(``int``, ``str``, ``bool``, ``float``, ``datetime``, ``X | None`` and ``tuple[Nested, ...]``
of another frozen dataclass). :meth:`Payload.to_data` gives the envelope's ``data``
(datetimes as ISO 8601 text) and :meth:`Payload.from_data` reads it back, checking every
field: data that does not fit the class raises :class:`PayloadError`, never half-builds an
object. A :class:`Catalog` maps wire types to classes, so a subscriber turns an envelope
into its payload or gets ``None`` for a type it does not know.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

Data = dict[str, Any]


class PayloadError(ValueError):
    """The ``data`` of an envelope does not fit its payload class."""


@dataclasses.dataclass(frozen=True, slots=True)
class Payload:
    """Base of the typed payloads; subclasses are frozen dataclasses with a ``type``."""

    type: ClassVar[str] = ""

    def as_dict(self) -> dict[str, Any]:
        """The fields with their typed values (for a template that adds its own keys)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def to_data(self) -> Data:
        """The JSON-ready ``data`` of the envelope."""
        return {f.name: _dump(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_data(cls, data: Any) -> Self:
        """Read ``data`` from the wire; raises :class:`PayloadError` when it does not fit."""
        return _load_dataclass(cls, data, cls.type or cls.__name__)


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field types of ``cls`` (computed once per class)."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = typing.get_type_hints(cls)
    return found


D = TypeVar("D")


def _load_dataclass(cls: type[D], data: Any, where: str) -> D:
    if not isinstance(data, dict):
        raise PayloadError(f"{where}: expected an object, got {type(data).__name__}")
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            values[f.name] = _load(hints[f.name], data[f.name], f"{where}.{f.name}")
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise PayloadError(f"{where}: {f.name} is missing")
    return cls(**values)


def _load(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is types.UnionType or origin is typing.Union:
        if value is None:  # ``X | None``: the only unions a catalog accepts
            return None
        (kind,) = [o for o in typing.get_args(hint) if o is not type(None)]
        return _load(kind, value, where)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        if not isinstance(value, list | tuple):
            raise PayloadError(f"{where}: expected a list")
        return tuple(_load(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if dataclasses.is_dataclass(hint):
        return _load_dataclass(hint, value, where)  # type: ignore[arg-type]
    if hint is datetime:
        if not isinstance(value, str):
            raise PayloadError(f"{where}: expected an ISO 8601 time")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise PayloadError(f"{where}: {value!r} is not an ISO 8601 time") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if hint is bool:
        if not isinstance(value, bool):
            raise PayloadError(f"{where}: expected true or false")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise PayloadError(f"{where}: expected an integer")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise PayloadError(f"{where}: expected a number")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise PayloadError(f"{where}: expected text")
        return value
    raise TypeError(f"{where}: unsupported payload field type {hint!r}")


P = TypeVar("P", bound=Payload)


class Catalog:
    """The payload classes of one kind of channel, by wire type."""

    def __init__(self, *classes: type[Payload]) -> None:
        self.classes: dict[str, type[Payload]] = {}
        for cls in classes:
            if not cls.type or cls.type in self.classes:
                raise ValueError(f"{cls.__name__} needs a unique type (got {cls.type!r})")
            for hint in _hints(cls).values():
                _check_supported(hint, cls.__name__)
            self.classes[cls.type] = cls

    def __iter__(self) -> typing.Iterator[type[Payload]]:
        return iter(self.classes.values())

    def __contains__(self, type_: object) -> bool:
        return type_ in self.classes

    def load(self, type_: str, data: Any) -> Payload | None:
        """The payload of an envelope, ``None`` when the type is not in this catalog.
        Raises :class:`PayloadError` when a known type carries data that does not fit."""
        cls = self.classes.get(type_)
        return None if cls is None else cls.from_data(data)


def _check_supported(hint: Any, where: str) -> None:
    """Fail at import time (not on the first event) for a field type the codec cannot read."""
    if hint in (int, str, bool, float, datetime) or hint is type(None):
        return
    if typing.get_origin(hint) is typing.ClassVar:
        return
    if dataclasses.is_dataclass(hint):
        for inner in _hints(hint).values():  # type: ignore[arg-type]
            _check_supported(inner, where)
        return
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin is types.UnionType or origin is typing.Union:
        if len([a for a in args if a is not type(None)]) == 1:
            for a in args:
                _check_supported(a, where)
            return
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        _check_supported(args[0], where)
        return
    raise TypeError(f"{where}: unsupported payload field type {hint!r}")
