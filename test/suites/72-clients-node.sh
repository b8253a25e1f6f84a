#!/usr/bin/env bash
# The Node client example (examples/node/paillier_client.mjs, documented in
# docs/clients.md) with npm's paillier-bigint and pg: ciphertexts made with
# only n, sum() and scalar operations in the database, results decrypted by
# paillier-bigint; and a key with a random g: refused when g is given,
# accepted from n alone, where sum() works and "ct + 1" decrypts to garbage.
# Without node/npm it fails; a machine that cannot reach the npm registry
# skips, saying why (test/npm-install.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/test/npm-install.sh"
work=$(mktemp -d)
db=mpc_clients_node
trap 'rm -rf "$work"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
cp "$root/examples/node/package.json" "$root/examples/node/paillier_client.mjs" "$work/"
npm_install "$work" "Node client example"
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
(cd "$work" && node paillier_client.mjs "$db")
