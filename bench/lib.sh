# Sourced by the SQL benchmarks after they set $db: run a query, and time a
# statement as the best of 3 runs after one warm-up (milliseconds, psql's
# \timing), with optional setup SQL run in the same session first.
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
timeq() {
	local best="" run t
	for run in 0 1 2 3; do
		t=$(psql -X -At -v ON_ERROR_STOP=1 -d "$db" <<SQL | grep -oP 'Time: \K[0-9.]+' | tail -1
$1
\timing on
$2
SQL
)
		[ "$run" -eq 0 ] && continue
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	echo "$best"
}
