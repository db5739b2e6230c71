#!/usr/bin/env python3
"""Draws openglip's app icons: the brand's rounded square with a white "og" mark.

Writes, into crates/openglip-web/src/assets/icons/ (the pages embed them):
  icon.svg               the vector icon (same geometry as the PNGs)
  icon-192.png           192x192, purpose "any": rounded square on transparency
  icon-512.png           512x512, purpose "any"
  icon-maskable-512.png  512x512, purpose "maskable": full-bleed square, the mark inside the
                         safe zone (the centred circle of 40% radius that every mask keeps)

Standard library only: the shapes are signed distance functions evaluated per pixel; pixels on
an edge are supersampled (SS x SS samples) for smooth anti-aliasing; PNGs are written with zlib
and struct. The output is deterministic, so rerunning it changes no file unless the drawing does.

    python3 scripts/make-icons.py
"""

import math
import os
import struct
import zlib

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    "..", "crates", "openglip-web", "src", "assets", "icons",
)

BRAND = (0x0A, 0x63, 0xD6)  # --brand in openglip.css
WHITE = (0xFF, 0xFF, 0xFF)
SS = 5  # samples per axis on edge pixels

# ------------------------------------------------------------------------------- the geometry
# The mark in its own units: both letters are rings of centreline radius R and stroke width W on
# the x-height line y = 0; the "g" has a stem on its right and a descender hook curving left.
R = 0.118
W = 0.092
GAP = 0.052                       # between the letters' outer edges
OX = -(R + W / 2 + GAP / 2)       # centre of the "o"
GX = +(R + W / 2 + GAP / 2)       # centre of the "g" bowl
STEM_TOP = -R                     # the stem starts level with the top of the bowl
HOOK_CY = 0.168                   # centre of the descender hook
HOOK_R = R
HOOK_END = math.radians(152)      # the hook runs from angle 0 (right) down round to here

# Bounding box of the mark (with the strokes' half width), for placing it.
MARK_LEFT = OX - R - W / 2
MARK_RIGHT = GX + R + W / 2
MARK_TOP = -R - W / 2
MARK_BOTTOM = HOOK_CY + HOOK_R + W / 2

CORNER = 0.1875  # corner radius of the rounded square, as a fraction of the icon


def hook_end():
    return (GX + HOOK_R * math.cos(HOOK_END), HOOK_CY + HOOK_R * math.sin(HOOK_END))


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def mark_sd(x, y):
    """Signed distance to the "og" mark (negative inside), in mark units."""
    half = W / 2
    d = abs(math.hypot(x - OX, y) - R) - half                      # o
    d = min(d, abs(math.hypot(x - GX, y) - R) - half)              # g: bowl
    sx = GX + R
    d = min(d, seg_dist(x, y, sx, STEM_TOP, sx, HOOK_CY) - half)   # g: stem
    a = math.atan2(y - HOOK_CY, x - GX)                            # g: hook (round caps)
    if 0.0 <= a <= HOOK_END:
        h = abs(math.hypot(x - GX, y - HOOK_CY) - HOOK_R)
    else:
        ex, ey = hook_end()
        h = min(math.hypot(x - sx, y - HOOK_CY), math.hypot(x - ex, y - ey))
    return min(d, h - half)


def rounded_square_sd(x, y, radius):
    """Signed distance to the unit square with rounded corners (icon units, 0..1)."""
    qx = abs(x - 0.5) - (0.5 - radius)
    qy = abs(y - 0.5) - (0.5 - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


class Layout:
    """Where the mark sits in the icon: scaled to `width` (of the icon), centred."""

    def __init__(self, width, rounded):
        self.scale = width / (MARK_RIGHT - MARK_LEFT)
        # Centre the box, nudged down a little so the x-height part does not look high.
        self.dx = 0.5 - self.scale * (MARK_LEFT + MARK_RIGHT) / 2
        self.dy = 0.5 - self.scale * (MARK_TOP + MARK_BOTTOM) / 2 + 0.01
        self.rounded = rounded

    def to_mark(self, x, y):
        return (x - self.dx) / self.scale, (y - self.dy) / self.scale

    def to_icon(self, mx, my):
        return mx * self.scale + self.dx, my * self.scale + self.dy

    def shape_sd(self, x, y):
        return rounded_square_sd(x, y, CORNER) if self.rounded else -1.0

    def letter_sd(self, x, y):
        mx, my = self.to_mark(x, y)
        return mark_sd(mx, my) * self.scale


ANY = Layout(0.60, rounded=True)
# The mark's farthest point from the centre must stay inside the 0.40 safe-zone circle.
MASKABLE = Layout(0.56, rounded=False)


def coverage(sd, x, y, px):
    """Fraction of the pixel of size `px` centred at (x, y) inside the shape `sd`."""
    d = sd(x, y)
    if d > px:
        return 0.0
    if d < -px:
        return 1.0
    n = 0
    for j in range(SS):
        sy = y + ((j + 0.5) / SS - 0.5) * px
        for i in range(SS):
            sx = x + ((i + 0.5) / SS - 0.5) * px
            if sd(sx, sy) <= 0.0:
                n += 1
    return n / (SS * SS)


def render(size, layout):
    """RGBA rows (bytes) of the icon at `size` pixels."""
    px = 1.0 / size
    rows = []
    for row in range(size):
        y = (row + 0.5) * px
        line = bytearray()
        for col in range(size):
            x = (col + 0.5) * px
            shape = coverage(layout.shape_sd, x, y, px)
            if shape == 0.0:
                line += b"\0\0\0\0"
                continue
            ink = min(coverage(layout.letter_sd, x, y, px), shape)
            # Within the covered part of the pixel: white letters over brand colour.
            f = ink / shape
            rgb = [round(b + (w - b) * f) for b, w in zip(BRAND, WHITE)]
            line += bytes(rgb + [round(255 * shape)])
        rows.append(bytes(line))
    return rows


# ---------------------------------------------------------------------------------------- PNG

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered(rows, bpp=4):
    """Each row with the PNG filter that leaves the smallest residuals (the usual heuristic)."""
    out = bytearray()
    prev = bytes(len(rows[0]))
    for row in rows:
        best = None
        for ftype in range(5):
            f = bytearray(len(row))
            for i, v in enumerate(row):
                a = row[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                pred = (0, a, b, (a + b) // 2, paeth(a, b, c))[ftype]
                f[i] = (v - pred) & 0xFF
            score = sum(x if x < 128 else 256 - x for x in f)
            if best is None or score < best[0]:
                best = (score, ftype, f)
        out.append(best[1])
        out += best[2]
        prev = row
    return bytes(out)


def png(size, rows):
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(filtered(rows), 9))
        + chunk(b"IEND", b"")
    )


# ---------------------------------------------------------------------------------------- SVG

def svg():
    """The same drawing as vector strokes, on a 512 grid."""
    s = 512
    lay = ANY

    def pt(mx, my):
        x, y = lay.to_icon(mx, my)
        return f"{x * s:.2f} {y * s:.2f}"

    r = R * lay.scale * s
    w = W * lay.scale * s
    ox, oy = (v * s for v in lay.to_icon(OX, 0))
    gx, gy = (v * s for v in lay.to_icon(GX, 0))
    hr = HOOK_R * lay.scale * s
    ex, ey = hook_end()
    g_path = f"M{pt(GX + R, STEM_TOP)}V{lay.to_icon(0, HOOK_CY)[1] * s:.2f}A{hr:.2f} {hr:.2f} 0 0 1 {pt(ex, ey)}"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" width="512" height="512">'
        "<title>openglip</title>"
        f'<rect width="512" height="512" rx="{CORNER * s:.2f}" fill="#{"%02x%02x%02x" % BRAND}"/>'
        f'<g fill="none" stroke="#fff" stroke-width="{w:.2f}" stroke-linecap="round">'
        f'<circle cx="{ox:.2f}" cy="{oy:.2f}" r="{r:.2f}"/>'
        f'<circle cx="{gx:.2f}" cy="{gy:.2f}" r="{r:.2f}"/>'
        f'<path d="{g_path}"/>'
        "</g></svg>\n"
    )


def check_safe_zone():
    """Every point of the maskable mark lies within the safe-zone circle (radius 0.40)."""
    far = 0.0
    steps = 400
    for j in range(steps + 1):
        for i in range(steps + 1):
            x, y = i / steps, j / steps
            if MASKABLE.letter_sd(x, y) <= 0.0:
                far = max(far, math.hypot(x - 0.5, y - 0.5))
    assert far < 0.40, f"the maskable mark reaches {far:.3f} from the centre"
    return far


def main():
    os.makedirs(OUT, exist_ok=True)
    far = check_safe_zone()
    outputs = [
        ("icon-192.png", png(192, render(192, ANY))),
        ("icon-512.png", png(512, render(512, ANY))),
        ("icon-maskable-512.png", png(512, render(512, MASKABLE))),
        ("icon.svg", svg().encode()),
    ]
    for name, data in outputs:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")
    print(f"maskable mark: within {far:.3f} of the centre (safe zone 0.40)")


if __name__ == "__main__":
    main()
