#!/usr/bin/python3
"""Compare eigentrust() output with networkx.pagerank on the same graph.

usage: eigentrust_nx.py EDGES {tsv|csv} A RESULT [PRETRUST] [--top5 ID,ID,...]
                        [--tol T]

EDGES is the raw data file (advogato.tsv: header, then "src dst w";
soc-sign-bitcoinalpha.csv: header, then "src,dst,rating,time").  The graph is
built as FACTS.md section 4 says: ratings of a pair summed, then clipped at 0,
self-ratings dropped, every id a node (also those with only negative or self
ratings).  RESULT holds "peer trust" lines from eigentrust(); PRETRUST, if
given, "peer weight" lines (the same pretrust_sql output).  Prints the L1
distance and exits 1 when it exceeds 1e-8 or the top five differ.

networkx stops when its L1 change is below N * tol, so its own distance to the
fixed point can be up to N * tol * (1 - a) / a: tol = 1e-13 (the default) is
enough for a >= 0.05 on these graphs; smaller a needs a smaller --tol.
"""
import sys
import time
from collections import defaultdict

import networkx as nx

TOL_L1 = 1e-8


def read_edges(path, fmt):
    sums = defaultdict(float)
    nodes = set()
    with open(path) as f:
        next(f)  # header
        for line in f:
            parts = line.split(",") if fmt == "csv" else line.split()
            if len(parts) < 3:
                continue
            s, d, w = int(parts[0]), int(parts[1]), float(parts[2])
            nodes.add(s)
            nodes.add(d)
            if s != d:
                sums[(s, d)] += w
    return nodes, sums


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    top5 = None
    tol = 1e-13
    if "--top5" in sys.argv:
        top5 = [int(x) for x in sys.argv[sys.argv.index("--top5") + 1].split(",")]
        args.remove(sys.argv[sys.argv.index("--top5") + 1])
    if "--tol" in sys.argv:
        tol = float(sys.argv[sys.argv.index("--tol") + 1])
        args.remove(sys.argv[sys.argv.index("--tol") + 1])
    edges, fmt, a, result = args[0], args[1], float(args[2]), args[3]
    pre_path = args[4] if len(args) > 4 else None

    t0 = time.perf_counter()
    nodes, sums = read_edges(edges, fmt)
    pers = None
    if pre_path:
        pers = defaultdict(float)
        with open(pre_path) as f:
            for line in f:
                p, w = line.split()
                pers[int(p)] += float(w)
                nodes.add(int(p))
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_weighted_edges_from((s, d, w) for (s, d), w in sums.items() if w > 0)
    t1 = time.perf_counter()
    pr = nx.pagerank(G, alpha=1 - a, personalization=dict(pers) if pers else None,
                     tol=tol, max_iter=100000, weight="weight")
    t2 = time.perf_counter()

    ours = {}
    with open(result) as f:
        for line in f:
            p, t = line.split()
            ours[int(p)] = float(t)
    ok = True
    if set(ours) != set(pr):
        print("  peer sets differ: %d only in eigentrust(), %d only in networkx"
              % (len(set(ours) - set(pr)), len(set(pr) - set(ours))))
        ok = False
    l1 = sum(abs(ours.get(k, 0.0) - v) for k, v in pr.items())
    print("  %s a=%g%s, networkx tol=%g: %d peers, %d positive edges, L1 = %.3e (limit %.0e); "
          "networkx load %.2f s, pagerank %.2f s"
          % (edges.rsplit("/", 1)[-1], a, " with pre-trust" if pre_path else "", tol,
             G.number_of_nodes(), G.number_of_edges(), l1, TOL_L1, t1 - t0, t2 - t1))
    if not l1 <= TOL_L1:
        ok = False
    if top5 is not None:
        got = [p for p, _ in sorted(ours.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
        print("  top five: %s (FACTS.md: %s)" % (got, top5))
        if got != top5:
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
