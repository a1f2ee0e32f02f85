#!/usr/bin/env python3
"""The include graph between the engine's folders (engine/circuit, analysis,
bnn, io, sweep, train, util): which folder's files include which folder's
headers. Prints the edges (or, with --dot, a Graphviz digraph) and exits 1
if the graph has a cycle or an engine file includes a Qt header: the engine
stays a layered, Qt-free library (docs/architecture.md, "Engine layers").

    engine_include_graph.py [--dot] [ENGINE_DIR]
"""

import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
QT = re.compile(r"^Q[A-Za-z]*(/|$)|^qcustomplot")


def scan(engine):
    folders = sorted(d for d in os.listdir(engine) if os.path.isdir(os.path.join(engine, d)))
    edges, qt = {}, []
    for folder in folders:
        for root, _, files in os.walk(os.path.join(engine, folder)):
            for name in sorted(files):
                if not name.endswith((".h", ".cpp")):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                for kind, target in INCLUDE.findall(text):
                    head = target.split("/")[0]
                    if kind == "<" and QT.match(target):
                        qt.append(f"{os.path.relpath(path, engine)}: includes <{target}>")
                    elif kind == '"' and head in folders and head != folder:
                        edges.setdefault((folder, head), []).append(f"{os.path.relpath(path, engine)} -> {target}")
    return folders, edges, qt


def cycle(folders, edges):
    """A cycle as a list of folders, or None (iterative depth-first search)."""
    succ = {f: sorted(b for (a, b) in edges if a == f) for f in folders}
    state = dict.fromkeys(folders, 0)  # 0 new, 1 on the stack, 2 done
    for start in folders:
        if state[start]:
            continue
        stack, path = [(start, iter(succ[start]))], [start]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state[nxt] == 1:
                return path[path.index(nxt):] + [nxt]
            elif state[nxt] == 0:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
                path.append(nxt)
    return None


def main():
    args = [a for a in sys.argv[1:] if a != "--dot"]
    engine = args[0] if args else os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "engine")
    folders, edges, qt = scan(engine)
    if "--dot" in sys.argv:
        print("digraph engine {")
        for a, b in sorted(edges):
            print(f'  "{a}" -> "{b}"; // {len(edges[(a, b)])} includes')
        print("}")
    else:
        for a, b in sorted(edges):
            print(f"{a} -> {b} ({len(edges[(a, b)])} includes)")
    found = cycle(folders, edges)
    problems = []
    if found:
        problems.append("cycle: " + " -> ".join(found))
        for a, b in zip(found, found[1:]):
            problems += ["  " + e for e in edges[(a, b)]]
    problems += qt
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
