#!/usr/bin/env python3
"""Writes jis0208.bin: the JIS X 0208 → Unicode table the driver's-licence reader decodes with.

94 × 94 big-endian u16 code points, row-major from 0x2121; 0 where JIS X 0208 has no
character. Taken from Python's ISO-2022-JP codec (JIS X 0208-1983 with the 1990 additions
凜 and 熙). Run from the repository root: python3 card/data/gen_jis0208.py
"""
import pathlib
import struct

out = bytearray()
for row in range(0x21, 0x7F):
    for col in range(0x21, 0x7F):
        raw = b"\x1b$B" + bytes([row, col]) + b"\x1b(B"
        try:
            ch = raw.decode("iso2022_jp")
            cp = ord(ch) if len(ch) == 1 else 0
        except UnicodeDecodeError:
            cp = 0
        out += struct.pack(">H", cp if cp <= 0xFFFF else 0)
path = pathlib.Path(__file__).with_name("jis0208.bin")
path.write_bytes(out)
chars = sum(1 for i in range(0, len(out), 2) if out[i] or out[i + 1])
print(f"{path}: {len(out)} bytes, {chars} characters")
