#!/usr/bin/env bash
# secure_percentile / secure_median across databases over dblink
# (docs/secure-sum.md, "The median and other percentiles").  Checks
#   - agreement with percentile_disc over the union on random data with ties,
#     negative values and NULLs: 3 parties (fractions 0.5, 0, 1) and 5 parties
#     with one party that has no rows (decimals, fraction 0.9); parties by
#     foreign server with a user mapping, and by connection string
#   - an empty union gives NULL after one step
#   - refusals: a query the parties did not allow, an unpinned party key, the
#     coordinator's role reading a party's values or run state (42501)
#   - leakage: the coordinator's log table holds probes and bits only, and
#     every count message it relayed (in its server log with
#     log_statement = all) is one ciphertext with its tag
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/common.sh"
source "$ROOT/scripts/secure-percentile-lib.sh"

P=spc_suite
NP=5
trap 'spc_drop $P $NP' EXIT
fail=0
ok() { echo "  ok: $*"; }
bad() { echo "  FAIL: $*"; fail=1; }
C=${P}_coord

spc_create $P $NP
# 3 parties: integers in [-20, 20] (ties), some NULLs; party 4 and 5 get
# values only in the 5-party data below
spc_fill $P $NP "SELECT 1 + (g % 3), CASE WHEN g % 11 = 0 THEN NULL ELSE floor(random() * 41)::int - 20 END
                 FROM generate_series(1, 45) g"

# agree LABEL FRACTION LOWER UPPER PRECISION PARTIES REFERENCE_FILTER
agree() {
	local label=$1 f=$2 lo=$3 hi=$4 prec=$5 parties=$6 filter=$7 out
	out=$("${SPC_PSQL[@]}" -At -d $C 2>&1 <<-SQL
		SELECT 'secure=' || coalesce(secure_percentile($parties, 'SELECT v FROM public.vals', $f, $lo, $hi, $prec)::text, 'NULL');
		SELECT 'plain=' || coalesce((percentile_disc($f) WITHIN GROUP (ORDER BY v))::text, 'NULL') FROM all_vals WHERE $filter;
		SELECT 'steps=' || count(*) FROM secure_percentile_log
		WHERE run_id = (SELECT run_id FROM secure_percentile_log ORDER BY logged_at DESC LIMIT 1);
	SQL
	) || { bad "$label: $out"; return; }
	local s p n
	s=$(grep -o 'secure=.*' <<<"$out" | cut -d= -f2)
	p=$(grep -o 'plain=.*' <<<"$out" | cut -d= -f2)
	n=$(grep -o 'steps=.*' <<<"$out" | cut -d= -f2)
	# compare as numbers (the grid may print more decimals)
	if [ -n "$s" ] && [ "$(spc_val $C "SELECT '$s'::numeric IS NOT DISTINCT FROM NULLIF('$p', 'NULL')::numeric")" = t ] \
		|| { [ "$s" = NULL ] && [ "$p" = NULL ]; }; then
		ok "$label: $s = percentile_disc ($n steps)"
	else
		bad "$label: secure $s, percentile_disc $p; $out"
	fi
}

echo "-- 3 parties by foreign server, integers with ties, negatives and NULLs"
P3=$(spc_parties $P 1 2 3)
echo "  $(spc_val $C "SELECT count(v) || ' values, ' || count(*) - count(v) || ' NULLs, ' || count(DISTINCT v) || ' distinct' FROM all_vals WHERE party <= 3")"
agree "median, 3 parties" 0.5 -20 20 1 "$P3" "party <= 3"
agree "fraction 0 (the minimum)" 0 -20 20 1 "$P3" "party <= 3"
agree "fraction 1 (the maximum)" 1 -20 20 1 "$P3" "party <= 3"
out=$(spc_val $C "SET client_min_messages = warning; SELECT secure_median($P3, 'SELECT v FROM public.vals', -20, 20, 1) =
                  (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM all_vals WHERE party <= 3)" 2>&1)
[ "$out" = t ] && ok "secure_median = percentile_disc(0.5)" || bad "secure_median: $out"

echo "-- 5 parties by connection string, decimals, party 5 without rows"
spc_fill $P $NP "SELECT 1 + (g % 4), CASE WHEN g % 13 = 0 THEN NULL ELSE round((random() * 10 - 5)::numeric, 1) END
                 FROM generate_series(1, 60) g"
n5=$(spc_val ${P}_p5 "SELECT count(*) FROM vals")
[ "$n5" = 0 ] && ok "party 5 holds no rows" || bad "party 5 holds $n5 rows"
P5="ARRAY[$(for k in 1 2 3 4 5; do [ $k -gt 1 ] && printf ', '; printf "'%s'" "$(spc_conn ${P}_p$k)"; done)]"
agree "fraction 0.9, 5 parties, precision 0.1" 0.9 -5 5 0.1 "$P5" "true"

echo "-- an empty union"
out=$("${SPC_PSQL[@]}" -At -d $C 2>&1 <<-SQL
	SET client_min_messages = warning;
	SELECT coalesce(secure_median($P3, 'SELECT v FROM public.vals WHERE v > 1e30', -20, 20, 1)::text, 'NULL');
	SELECT count(*) FROM secure_percentile_log WHERE run_id = (SELECT run_id FROM secure_percentile_log ORDER BY logged_at DESC LIMIT 1);
SQL
)
[ "$(tr '\n' ' ' <<<"$out")" = "NULL 1 " ] && ok "empty union: NULL after 1 step" || bad "empty union: $out"

echo "-- refusals"
out=$(spc_val $C "SELECT secure_median($P3, 'SELECT v FROM public.vals WHERE v < 0', -20, 20, 1)" 2>&1 || true)
grep -q 'party 1 .*does not allow the query' <<<"$out" && ok "a query the parties did not allow: refused" || bad "unallowed query: $out"
key=$(spc_val ${P}_p3 "SELECT encode(secure_percentile_party.public_key(), 'hex')")
spc_sql ${P}_p1 "DELETE FROM secure_percentile_party.known_parties WHERE public_key = decode('$key', 'hex')" >/dev/null
out=$("${SPC_PSQL[@]}" -At -d $C -c "\\set VERBOSITY verbose" -c "SELECT secure_median($P3, 'SELECT v FROM public.vals', -20, 20, 1)" 2>&1 || true)
grep -q '42501.*party 1 .*not pinned' <<<"$out" && ok "an unpinned party key: refused (42501)" || bad "unpinned key: $out"
spc_sql ${P}_p1 "INSERT INTO secure_percentile_party.known_parties VALUES (decode('$key', 'hex'), 'party 3')" >/dev/null
for q in "SELECT count(*) FROM public.vals" "SELECT count(*) FROM secure_percentile_party.runs" \
         "SELECT count(*) FROM secure_percentile_party.identity"; do
	out=$(PGPASSWORD=$SPC_COORD_PW psql -X -At -h "${PGHOST:-localhost}" -U spc_coordinator -d ${P}_p1 -c "\\set VERBOSITY sqlstate" -c "$q" 2>&1 || true)
	[ "$out" = "ERROR:  42501" ] && ok "coordinator role: $q refused" || bad "coordinator role: $q: $out"
done

echo "-- leakage"
cols=$(spc_val $C "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
                   WHERE attrelid = 'secure_percentile_log'::regclass AND attnum > 0 AND NOT attisdropped")
[ "$cols" = "run_id,step,probe,at_least_k,seconds,bytes_moved,logged_at" ] && ok "log table: $cols" || bad "log columns: $cols"
LOGFILE=$(pg_lsclusters -h 2>/dev/null | awk -v port="${PGPORT:-}" '$3 == port { print $7 }' | head -1)
if [ -n "$LOGFILE" ] && [ -r "$LOGFILE" ]; then
	# every statement the coordinator sends to a party: all it relays
	spc_sql $C "ALTER ROLE spc_coordinator SET log_statement = 'all'" >/dev/null
	before=$(wc -l <"$LOGFILE")
	notices=$(spc_val $C "SELECT secure_median($P3, 'SELECT v FROM public.vals', -20, 20, 1)" 2>&1 >/dev/null)
	spc_sql $C "ALTER ROLE spc_coordinator RESET log_statement" >/dev/null
	# the count messages the coordinator relayed to party 2 (combine)
	tail -n +"$((before + 1))" "$LOGFILE" | grep -o "combine([^)]*)" | grep -o 'x[0-9a-f]\{64,\}' >"$ROOT/.spc_msgs" || true
	nmsg=$(wc -l <"$ROOT/.spc_msgs")
	badlen=$(awk 'length($0) != 1 + 2 * 544' "$ROOT/.spc_msgs" | wc -l)
	dup=$(sort "$ROOT/.spc_msgs" | uniq -d | wc -l)
	rm -f "$ROOT/.spc_msgs"
	if [ "$nmsg" -ge 3 ] && [ "$badlen" = 0 ] && [ "$dup" = 0 ]; then
		ok "server log of what the coordinator relayed: $nmsg count messages, each a 512-byte ciphertext + 32-byte tag, none repeated"
	else
		bad "coordinator's server log: $nmsg count messages, $badlen of another length, $dup repeated"
	fi
	if grep -q '^NOTICE:  secure_percentile: run [0-9a-f]*, 3 parties, steps: [0-9]*$' <<<"$notices" \
		&& [ "$(grep -c . <<<"$notices")" = 1 ]; then
		ok "the coordinator's one NOTICE names the run, the parties and the step count only"
	else
		bad "coordinator NOTICEs: $notices"
	fi
	# the coordinator's own statements (log_statement = all in its database
	# too) hold no number but the call's arguments
	n=$(tail -n +"$((before + 1))" "$LOGFILE" | grep -c "postgres@$C .*secure_percentile:" || true)
	[ "$n" = 0 ] && ok "the coordinator's session logged no secure_percentile message" || bad "$n coordinator log lines"
else
	echo "  (server log not readable here: skipped the log check)"
	[ "${CI:-}" = true ] && bad "CI: the server log must be readable"
fi
bits=$(spc_val $C "SELECT count(*) FILTER (WHERE at_least_k IS NULL) FROM secure_percentile_log")
[ "$bits" = 0 ] && ok "every logged step has its bit" || bad "$bits steps without a bit"
exit $fail
