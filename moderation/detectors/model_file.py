"""The file format both learned models ship in: gzip of a JSON header line, the vocabulary one key a line, then float32 rows.

Each key has `width` little-endian float32 values (the incivility model four,
the spam model two); the header records how many keys and how many bytes the
vocabulary takes, so a truncated or altered file is refused, not half read.
"""

from __future__ import annotations

import gzip
import json
import sys
from array import array


def write_model_file(path, header: dict, vocabulary: list[str], rows: list[tuple[float, ...]]) -> None:
    """Write a model file: the header (with its counts added), the vocabulary, then each row's values."""
    words_blob = "\n".join(vocabulary).encode()
    values = array("f", [v for row in rows for v in row])
    if sys.byteorder != "little":
        values.byteswap()
    header = {**header, "features": len(vocabulary), "vocabulary_bytes": len(words_blob)}
    raw = json.dumps(header, separators=(",", ":")).encode() + b"\n" + words_blob + b"\n" + values.tobytes()
    with open(path, "wb") as handle:
        handle.write(gzip.compress(raw, compresslevel=9, mtime=0))


def read_model_file(raw: bytes, width: int, name: str) -> tuple[dict, list[bytes], array]:
    """The header, the vocabulary and the flat float32 values of a model file's bytes (`width` values a key)."""
    data = gzip.decompress(raw)
    line = data.index(b"\n")
    header = json.loads(data[:line])
    start = line + 1
    vocabulary = data[start:start + header["vocabulary_bytes"]].split(b"\n")
    values = array("f")
    values.frombytes(data[start + header["vocabulary_bytes"] + 1:])
    if sys.byteorder != "little":
        values.byteswap()
    if len(vocabulary) != header["features"] or len(values) != width * header["features"]:
        raise ValueError(f"the {name} model file is truncated or malformed")
    return header, vocabulary, values
