"""A small AMF0 reader/writer: enough for RTMP commands and FLV ``onMetaData``."""

from __future__ import annotations

import struct
from typing import Any

# Type markers.
NUMBER = 0x00
BOOLEAN = 0x01
STRING = 0x02
OBJECT = 0x03
NULL = 0x05
UNDEFINED = 0x06
REFERENCE = 0x07
ECMA_ARRAY = 0x08
OBJECT_END = 0x09
STRICT_ARRAY = 0x0A
DATE = 0x0B
LONG_STRING = 0x0C
XML_DOCUMENT = 0x0F
TYPED_OBJECT = 0x10

MAX_DEPTH = 32  # nested objects/arrays: commands and metadata use two or three levels


class AMFError(ValueError):
    """The bytes are not valid AMF0."""


class ECMAArray(dict):
    """A dict that is encoded as an AMF0 ECMA array (as ``onMetaData`` uses)."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.depth = 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise AMFError("truncated AMF0 data")
        out = bytes(self.data[self.pos : self.pos + n])
        self.pos += n
        return out

    def utf8(self, size_bytes: int) -> str:
        (n,) = struct.unpack(">H" if size_bytes == 2 else ">I", self.take(size_bytes))
        return self.take(n).decode("utf-8", errors="replace")

    def properties(self, into: dict[str, Any]) -> dict[str, Any]:
        while True:
            key = self.utf8(2)
            if key == "" and self.pos < len(self.data) and self.data[self.pos] == OBJECT_END:
                self.pos += 1
                return into
            into[key] = self.value()

    def value(self) -> Any:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise AMFError(f"AMF0 values nested deeper than {MAX_DEPTH}")
        try:
            return self._value()
        finally:
            self.depth -= 1

    def _value(self) -> Any:
        marker = self.take(1)[0]
        if marker == NUMBER:
            return struct.unpack(">d", self.take(8))[0]
        if marker == BOOLEAN:
            return self.take(1)[0] != 0
        if marker == STRING:
            return self.utf8(2)
        if marker in (LONG_STRING, XML_DOCUMENT):
            return self.utf8(4)
        if marker == OBJECT:
            return self.properties({})
        if marker == TYPED_OBJECT:
            self.utf8(2)
            return self.properties({})
        if marker == ECMA_ARRAY:
            self.take(4)
            return self.properties(ECMAArray())
        if marker == STRICT_ARRAY:
            (n,) = struct.unpack(">I", self.take(4))
            return [self.value() for _ in range(n)]
        if marker == DATE:
            (ms,) = struct.unpack(">d", self.take(8))
            self.take(2)
            return ms
        if marker in (NULL, UNDEFINED):
            return None
        if marker == REFERENCE:
            self.take(2)
            return None
        raise AMFError(f"unsupported AMF0 marker 0x{marker:02x}")


def decode(data: bytes) -> list[Any]:
    """Decode every AMF0 value in `data` (a command is a sequence of values)."""
    reader = _Reader(data)
    values = []
    while reader.pos < len(reader.data):
        values.append(reader.value())
    return values


def _utf8(text: str, long: bool = False) -> bytes:
    raw = text.encode("utf-8")
    return struct.pack(">I" if long else ">H", len(raw)) + raw


def _properties(obj: dict[str, Any]) -> bytes:
    body = b"".join(_utf8(str(k)) + encode_value(v) for k, v in obj.items())
    return body + b"\x00\x00" + bytes([OBJECT_END])


def encode_value(value: Any) -> bytes:
    """Encode one Python value as AMF0 (dict → object, ECMAArray → ECMA array)."""
    if value is None:
        return bytes([NULL])
    if isinstance(value, bool):
        return bytes([BOOLEAN, int(value)])
    if isinstance(value, int | float):
        return bytes([NUMBER]) + struct.pack(">d", float(value))
    if isinstance(value, str):
        if len(value.encode("utf-8")) > 0xFFFF:
            return bytes([LONG_STRING]) + _utf8(value, long=True)
        return bytes([STRING]) + _utf8(value)
    if isinstance(value, ECMAArray):
        return bytes([ECMA_ARRAY]) + struct.pack(">I", len(value)) + _properties(value)
    if isinstance(value, dict):
        return bytes([OBJECT]) + _properties(value)
    if isinstance(value, list | tuple):
        return (
            bytes([STRICT_ARRAY])
            + struct.pack(">I", len(value))
            + b"".join(encode_value(v) for v in value)
        )
    raise TypeError(f"cannot encode {type(value).__name__} as AMF0")


def encode(*values: Any) -> bytes:
    """Encode a sequence of values (e.g. a command name, transaction id, arguments)."""
    return b"".join(encode_value(v) for v in values)
