#!/usr/bin/python3
"""networkx's load plus pagerank on the same data eigentrust() reads.

usage: eigentrust_nx.py FILE {tsv|csv} A EPSILON

Builds the graph as FACTS.md section 4 says (ratings of a pair summed, then
clipped at 0, self-ratings dropped, every id a node) and times that load and
networkx.pagerank(alpha = 1 - A) twice: with the stopping rule of
eigentrust(epsilon => EPSILON) (networkx stops when its L1 change is below
N * tol, so tol = EPSILON / N), and with networkx's default tol = 1e-6.
Prints one "key value" line per figure.
"""
import os
import sys
import time

import networkx as nx

# the graph is built exactly as the networkx comparison test builds it
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test"))
from eigentrust_nx import read_edges  # noqa: E402


def main():
    path, fmt, a, eps = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    t0 = time.perf_counter()
    nodes, sums = read_edges(path, fmt)
    G = nx.DiGraph()
    G.add_nodes_from(nodes)
    G.add_weighted_edges_from((s, d, w) for (s, d), w in sums.items() if w > 0)
    t1 = time.perf_counter()
    n = G.number_of_nodes()
    nx.pagerank(G, alpha=1 - a, tol=eps / n, max_iter=100000, weight="weight")
    t2 = time.perf_counter()
    nx.pagerank(G, alpha=1 - a, max_iter=100000, weight="weight")
    t3 = time.perf_counter()
    print("nx_peers %d" % n)
    print("nx_edges %d" % G.number_of_edges())
    print("nx_load_s %.3f" % (t1 - t0))
    print("nx_pagerank_same_tol_s %.3f" % (t2 - t1))
    print("nx_pagerank_default_tol_s %.3f" % (t3 - t2))


if __name__ == "__main__":
    main()
