#!/usr/bin/env bash
# The Node client example (examples/node/paillier_client.mjs, documented in
# docs/clients.md) with npm's paillier-bigint and pg: ciphertexts made with
# only n, sum() and scalar operations in the database, results decrypted by
# paillier-bigint; and a key with a random g: refused when g is given,
# accepted from n alone, where sum() works and "ct + 1" decrypts to garbage.
# Without node/npm or the npm registry it skips, saying so; under CI=true
# (where the registry is reachable) that is a failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
unavailable() {
	if [ "${CI:-}" = true ]; then echo "FAIL: Node client example: $1"; exit 1; fi
	echo "SKIP: Node client example: $1"; exit 77
}
command -v node >/dev/null && command -v npm >/dev/null || unavailable "node and npm are not installed"
work=$(mktemp -d)
db=mpc_clients_node
trap 'rm -rf "$work"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
cp "$root/examples/node/package.json" "$root/examples/node/paillier_client.mjs" "$work/"
(cd "$work" && timeout 300 npm install --no-audit --no-fund --silent >"$work/npm.log" 2>&1) ||
	{ cat "$work/npm.log"; unavailable "'npm install pg paillier-bigint' failed (no registry?)"; }
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
(cd "$work" && node paillier_client.mjs "$db")
