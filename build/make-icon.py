#!/usr/bin/env python3
"""Draws assets/icon.png, the 128x128 package icon: a ring (the supervisor) around a dot (the gateway) with a pulse line.
Standard library only, so it runs anywhere; the PNG is committed and this script is kept so it can be redrawn."""

import math
import struct
import sys
import zlib

SIZE = 128
BACKGROUND = (22, 94, 131)      # deep teal-blue
FOREGROUND = (255, 255, 255)
ACCENT = (94, 234, 212)         # mint


def coverage(distance: float) -> float:
    """Anti-aliasing: how much of a pixel a shape covers when its centre is `distance` inside (+) or outside (-) the edge."""
    return max(0.0, min(1.0, distance + 0.5))


def rounded_square(x: float, y: float) -> float:
    radius, half = 26.0, SIZE / 2
    dx = max(abs(x - half) - (half - radius), 0.0)
    dy = max(abs(y - half) - (half - radius), 0.0)
    return coverage(radius - math.hypot(dx, dy))


def pulse(x: float, y: float) -> float:
    """A heartbeat line across the middle: flat, a spike up, a spike down, flat."""
    points = [(14, 64), (40, 64), (50, 46), (62, 86), (72, 56), (78, 64), (114, 64)]
    best = 1e9
    for (x1, y1), (x2, y2) in zip(points, points[1:]):
        vx, vy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * vx + (y - y1) * vy) / (vx * vx + vy * vy)))
        best = min(best, math.hypot(x - (x1 + t * vx), y - (y1 + t * vy)))
    return coverage(3.2 - best)


def pixel(px: int, py: int) -> tuple[int, int, int, int]:
    x, y = px + 0.5, py + 0.5
    alpha = rounded_square(x, y)
    r = math.hypot(x - 64, y - 64)
    ring = coverage(5.0 - abs(r - 44))
    colour = BACKGROUND
    for layer, amount in ((FOREGROUND, ring), (ACCENT, pulse(x, y))):
        colour = tuple(round(c * (1 - amount) + l * amount) for c, l in zip(colour, layer))
    return (*colour, round(255 * alpha))


def png(path: str) -> None:
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(SIZE)) for y in range(SIZE))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    png(sys.argv[1] if len(sys.argv) > 1 else "assets/icon.png")
