#!/usr/bin/env python3
"""Turns `perf script` output into folded stacks and a flame graph (SVG), with no other tool.

    perf script -i perf.data | scripts/bench/flamegraph.py --title "POST, 64 connections" \
        --folded out.folded > out.svg
    scripts/bench/flamegraph.py --from-folded out.folded > out.svg

A folded stack is one line per distinct stack, root first, frames joined by `;`, then the
number of samples: the format flame graph tools share. The root frame is the thread's name
(`tokio-runtime-w`, `openglip-sqlite-`, ...), so the graph splits first by thread. Rust symbol
hashes (`::h0123…`) and offsets are dropped so that one function is one frame.

In the SVG each box is a function, as wide as the share of samples whose stack passes through it;
its children sit above it. Hovering a box shows its name, samples and share (an SVG <title>).
"""

import argparse
import html
import re
import sys
import zlib
from collections import defaultdict

HASH = re.compile(r"::h[0-9a-f]{16}$")
OFFSET = re.compile(r"\+0x[0-9a-f]+$")


def fold_perf_script(lines):
    """Counts the stacks of `perf script` output: {"thread;root;…;leaf": samples}."""
    counts = defaultdict(int)
    comm, frames = None, []

    def flush():
        if comm is not None:
            counts[";".join([comm] + frames[::-1])] += 1

    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            comm, frames = None, []
        elif not line[0].isspace():
            # The sample's header: "<comm> <pid>/<tid> [cpu] time: period event:". The thread's
            # name may hold spaces; it ends before the first field that is all digits (or a/b).
            flush()
            head = line.split()
            name = []
            for tok in head:
                if re.fullmatch(r"\d+(/\d+)?", tok):
                    break
                name.append(tok)
            comm, frames = "-".join(name) or "?", []
        else:
            # A frame: "<address> <symbol>+<offset> (<object>)".
            body = line.strip()
            parts = body.split(" ", 1)
            sym = parts[1] if len(parts) > 1 else parts[0]
            if sym.endswith(")") and " (" in sym:
                sym, obj = sym.rsplit(" (", 1)
                if sym == "[unknown]":
                    sym = "[" + obj.rstrip(")").rsplit("/", 1)[-1] + "]"
            sym = HASH.sub("", OFFSET.sub("", sym)).replace(";", ":")
            frames.append(sym)
    flush()
    return counts


def read_folded(lines):
    counts = defaultdict(int)
    for line in lines:
        stack, _, n = line.rstrip("\n").rpartition(" ")
        if stack:
            counts[stack] += int(n)
    return counts


class Node:
    __slots__ = ("name", "total", "children")

    def __init__(self, name):
        self.name, self.total, self.children = name, 0, {}


def build_tree(counts):
    root = Node("all")
    for stack, n in counts.items():
        root.total += n
        node = root
        for frame in stack.split(";"):
            node = node.children.setdefault(frame, Node(frame))
            node.total += n
    return root


def colour(name):
    """A warm colour that depends only on the name, so graphs compare at a glance."""
    h = zlib.crc32(name.encode())
    return "rgb({},{},{})".format(205 + h % 50, 80 + (h >> 8) % 130, (h >> 16) % 55)


def depth_of(node):
    return 1 + max((depth_of(c) for c in node.children.values()), default=0)


def svg(root, title, width=1200, row=16, min_px=0.3):
    depth = depth_of(root)
    top = 40
    height = top + depth * row + 10
    scale = (width - 20) / max(root.total, 1)
    out = [
        '<?xml version="1.0" standalone="no"?>',
        f'<svg version="1.1" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Verdana, sans-serif" font-size="11">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fdfdf6"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="16">{html.escape(title)}</text>',
    ]

    def draw(node, x, level):
        w = node.total * scale
        if w < min_px:
            return
        y = height - 10 - (level + 1) * row
        pct = 100.0 * node.total / max(root.total, 1)
        label = html.escape(node.name)
        out.append(
            f'<g><title>{label} ({node.total} samples, {pct:.2f}%)</title>'
            f'<rect x="{x + 10:.2f}" y="{y}" width="{w:.2f}" height="{row - 1}" '
            f'fill="{colour(node.name)}" rx="2"/>'
        )
        chars = int(w / 7)
        if chars >= 3:
            text = node.name if len(node.name) <= chars else node.name[: chars - 2] + ".."
            out.append(f'<text x="{x + 13:.2f}" y="{y + row - 4}">{html.escape(text)}</text>')
        out.append("</g>")
        cx = x
        for child in sorted(node.children.values(), key=lambda c: c.name):
            draw(child, cx, level + 1)
            cx += child.total * scale

    draw(root, 0, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--title", default="Flame graph")
    ap.add_argument("--folded", help="also write the folded stacks to this file")
    ap.add_argument("--from-folded", help="read folded stacks from this file, not perf script")
    args = ap.parse_args()
    if args.from_folded:
        with open(args.from_folded) as f:
            counts = read_folded(f)
    else:
        counts = fold_perf_script(sys.stdin)
    if args.folded:
        with open(args.folded, "w") as f:
            for stack in sorted(counts):
                f.write(f"{stack} {counts[stack]}\n")
    sys.stdout.write(svg(build_tree(counts), args.title))


if __name__ == "__main__":
    main()
