#!/usr/bin/env bash
# SQL-level cost of secret sharing, beside a plain-numeric baseline in the
# same session.  Runs in a throwaway cluster with the staged build:
#   bash bench/bench_sharing_sql.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
cd "$ROOT"
if [ "${1:-}" != "--inside" ]; then
	build_and_stage
	in_virtualenv bash "$ROOT/bench/bench_sharing_sql.sh" --inside
	exit $?
fi
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION IF NOT EXISTS mpc_eigentrust;
CREATE TEMP TABLE v AS SELECT i, (random() * 1e9)::bigint::numeric AS s FROM generate_series(1, 10000) i;
CREATE TEMP TABLE party AS SELECT 'p' || i AS id, k.* FROM generate_series(1, 5) i, zerosum_keypair() k;
ANALYZE v;
\timing on
\pset footer off
\echo baseline: sum of 10000 numerics
SELECT sum(s) FROM v \g /dev/null
\echo shamir_split(s, 5, 3) for 10000 secrets (50000 shares)
CREATE TEMP TABLE sp AS SELECT i, sh.* FROM v, shamir_split(s, 5, 3) sh;
\echo shamir_combine(x, share) over 3 shares for 10000 secrets
SELECT count(*) FILTER (WHERE c = s) AS exact FROM (SELECT i, shamir_combine(x, share) AS c FROM sp WHERE x <= 3 GROUP BY i) q JOIN v USING (i);
\echo shamir_combine(array) over 3 shares for 10000 secrets
SELECT count(*) FILTER (WHERE c = s) AS exact FROM (SELECT i, shamir_combine(array_agg(share)) AS c FROM sp WHERE x <= 3 GROUP BY i) q JOIN v USING (i);
\echo sum(shamir_share) at one point over 10000 secrets
SELECT sum(share) FROM sp WHERE x = 1 \g /dev/null
CREATE TEMP TABLE big AS SELECT * FROM shamir_split(42, 10000, 2);
\echo one group of 10000 shares: aggregate shamir_combine(x, share)
SELECT shamir_combine(x, share) FROM big \g /dev/null
\echo one group of 10000 shares: shamir_combine(array_agg(share))
SELECT shamir_combine(array_agg(share)) FROM big \g /dev/null
\echo zerosum_mask against 4 peers, 100 rounds
SELECT count(zerosum_mask('p1', r, (SELECT array_agg(id ORDER BY id) FROM party WHERE id <> 'p1'),
                         (SELECT array_agg(public_key ORDER BY id) FROM party WHERE id <> 'p1'),
                         (SELECT private_key FROM party WHERE id = 'p1')))
FROM generate_series(1, 100) r \g /dev/null
\echo zerosum_mask_value for 10000 values
SELECT sum(zerosum_mask_value(s, 12345678901234567890, 2)) FROM v \g /dev/null
SQL
