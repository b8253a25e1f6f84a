#!/usr/bin/python3
"""networkx and igraph on the same graph eigentrust() reads, in CPU time.

usage: eigentrust_nx.py ROWS A REF [--no-nx] [--nx-tol-eps E]

ROWS is the rating data: a .tsv ("src dst w" after a header line, as
advogato.tsv), a .csv ("src,dst,rating,..." after a header line, as
soc-sign-bitcoinalpha.csv) or a .bin file of (int64 src, int64 dst, float64 w)
records (bench_eigentrust --rows).  REF is bench_eigentrust --ref's output:
(int64 peer, float64 trust) records of a run converged to an L1 error bound
of 1e-15, the fixed point every result is measured against.

The graph is built as FACTS.md section 4 says: ratings of a pair summed, then
clipped at 0, self-ratings dropped, every id a node.  Each library is timed
with time.thread_time() (CPU time of this thread; igraph runs with
OMP_NUM_THREADS=1): "load" builds its graph from the summed pairs held in
memory (networkx: also parsing the file, as its users do), "solve" is one
pagerank call with alpha = 1 - A:
  - igraph: Graph.pagerank(implementation="prpack"), its only tolerance
    (PRPACK's 1e-10 on the L1 change per sweep);
  - networkx: pagerank with tol = E / N (its rule: L1 change < N * tol, so
    this is eigentrust()'s old rule with epsilon E) and with its default tol.
Prints "key value" lines; l1 values are the L1 distance to REF.
"""
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def read_rows(path):
    if path.endswith(".bin"):
        a = np.fromfile(path, dtype=[("s", "<i8"), ("d", "<i8"), ("w", "<f8")])
        return a["s"], a["d"], a["w"]
    sep = "," if path.endswith(".csv") else None
    s, d, w = [], [], []
    with open(path) as f:
        next(f)
        for line in f:
            p = line.split(sep)
            if len(p) < 3:
                continue
            s.append(int(p[0]))
            d.append(int(p[1]))
            w.append(float(p[2]))
    return np.array(s, dtype=np.int64), np.array(d, dtype=np.int64), np.array(w)


def summed_pairs(s, d, w):
    """peers (sorted), and the positive summed pairs as dense indices"""
    peers = np.unique(np.concatenate([s, d]))
    si = np.searchsorted(peers, s)
    di = np.searchsorted(peers, d)
    keep = si != di
    key = si[keep] * len(peers) + di[keep]
    uk, inv = np.unique(key, return_inverse=True)
    sums = np.bincount(inv, weights=w[keep])
    pos = sums > 0
    return peers, uk[pos] // len(peers), uk[pos] % len(peers), sums[pos]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    no_nx = "--no-nx" in sys.argv
    eps = 1e-10
    if "--nx-tol-eps" in sys.argv:
        eps = float(sys.argv[sys.argv.index("--nx-tol-eps") + 1])
        args.remove(sys.argv[sys.argv.index("--nx-tol-eps") + 1])
    path, a, ref_path = args[0], float(args[1]), args[2]
    ref = np.fromfile(ref_path, dtype=[("p", "<i8"), ("t", "<f8")])

    t0 = time.thread_time()
    s, d, w = read_rows(path)
    peers, ps, pd, pw = summed_pairs(s, d, w)
    t_prep = time.thread_time() - t0
    n = len(peers)
    if n != len(ref) or not np.array_equal(peers, ref["p"]):
        print("peer sets differ: %d peers here, %d in the reference" % (n, len(ref)))
        return 1
    print("peers %d\npositive_pairs %d\nprep_s %.6f" % (n, len(pw), t_prep))

    try:
        import igraph
    except ImportError:
        print("igraph skipped: python3-igraph is not installed")
        igraph = None
    if igraph is not None:
        t0 = time.thread_time()
        g = igraph.Graph(n=n, edges=np.column_stack([ps, pd]).tolist(), directed=True)
        g.es["weight"] = pw.tolist()
        t1 = time.thread_time()
        pr = np.array(g.pagerank(damping=1 - a, weights="weight", implementation="prpack"))
        t2 = time.thread_time()
        print("igraph_version %s" % igraph.__version__)
        print("igraph_load_s %.6f\nigraph_solve_s %.6f" % (t1 - t0, t2 - t1))
        print("igraph_l1 %.3e" % np.abs(pr - ref["t"]).sum())
        del g

    if not no_nx:
        import networkx as nx
        t0 = time.thread_time()
        s2, d2, w2 = read_rows(path)
        sums = {}
        for x, y, v in zip(s2.tolist(), d2.tolist(), w2.tolist()):
            if x != y:
                sums[(x, y)] = sums.get((x, y), 0.0) + v
        G = nx.DiGraph()
        G.add_nodes_from(peers.tolist())
        G.add_weighted_edges_from((x, y, v) for (x, y), v in sums.items() if v > 0)
        t1 = time.thread_time()
        pr = nx.pagerank(G, alpha=1 - a, tol=eps / n, max_iter=100000, weight="weight")
        t2 = time.thread_time()
        prd = nx.pagerank(G, alpha=1 - a, max_iter=100000, weight="weight")
        t3 = time.thread_time()
        print("networkx_version %s" % nx.__version__)
        print("nx_load_s %.6f\nnx_solve_s %.6f\nnx_solve_default_tol_s %.6f" % (t1 - t0, t2 - t1, t3 - t2))
        v = np.array([pr[p] for p in peers.tolist()])
        vd = np.array([prd[p] for p in peers.tolist()])
        print("nx_l1 %.3e\nnx_default_tol_l1 %.3e" % (np.abs(v - ref["t"]).sum(), np.abs(vd - ref["t"]).sum()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
