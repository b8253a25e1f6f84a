# Shared by test/suites/62-secure-percentile.sh and bench/secure_percentile.sh:
# party databases and a coordinator for secure_percentile inside the running
# (throwaway) cluster.  Source after scripts/common.sh; PGHOST/PGPORT/PGUSER
# come from pg_virtualenv.
#
# Roles: spc_coordinator LOGIN (what the coordinator connects to the parties
# as; EXECUTE on the step functions only), spc_owner_<k> NOLOGIN (owns party
# k's table vals(v numeric) and the SECURITY DEFINER step functions).

SPC_COORD_PW=${SPC_COORD_PW:-spc-coordinator-test-only}
SPC_PSQL=(psql -X -q -v ON_ERROR_STOP=1)

spc_sql() { "${SPC_PSQL[@]}" -d "$1" -c "$2"; }
spc_val() { "${SPC_PSQL[@]}" -At -d "$1" -c "$2"; }

spc_conn() {
	printf 'host=%s port=%s dbname=%s user=spc_coordinator password=%s' \
		"${PGHOST:-localhost}" "${PGPORT:-5432}" "$1" "$SPC_COORD_PW"
}

# spc_parties PREFIX K1 K2 ...: an SQL text[] of the parties' foreign servers
spc_parties() {
	local prefix=$1 out="ARRAY[" first=1 k
	shift
	for k in "$@"; do
		[ $first = 1 ] || out+=", "
		first=0
		out+="'${prefix}_srv$k'"
	done
	printf '%s]' "$out"
}

spc_drop() {
	local prefix=$1 np=$2 k
	for db in "${prefix}_coord" $(for k in $(seq 1 "$np"); do echo "${prefix}_p$k"; done); do
		dropdb --if-exists "$db" >/dev/null 2>&1 || true
	done
}

# spc_create PREFIX NPARTIES: databases, roles, party setup, pinned keys, and
# in the coordinator one foreign server with a user mapping per party.
spc_create() {
	local prefix=$1 np=$2 k j key
	spc_drop "$prefix" "$np"
	"${SPC_PSQL[@]}" -d postgres >/dev/null <<-SQL
		DO \$\$ BEGIN
		  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spc_coordinator') THEN
		    CREATE ROLE spc_coordinator LOGIN PASSWORD '$SPC_COORD_PW';
		  END IF;
		END \$\$;
	SQL
	createdb "${prefix}_coord"
	spc_sql "${prefix}_coord" "CREATE EXTENSION mpc_eigentrust; CREATE EXTENSION dblink;
		CREATE TABLE all_vals (party integer NOT NULL, v numeric);" >/dev/null
	for k in $(seq 1 "$np"); do
		"${SPC_PSQL[@]}" -d postgres >/dev/null <<-SQL
			DO \$\$ BEGIN
			  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'spc_owner_$k') THEN
			    CREATE ROLE spc_owner_$k NOLOGIN;
			  END IF;
			END \$\$;
		SQL
		createdb "${prefix}_p$k"
		spc_sql "${prefix}_p$k" "CREATE EXTENSION mpc_eigentrust;
			GRANT CREATE ON DATABASE \"${prefix}_p$k\" TO spc_owner_$k;
			CREATE TABLE vals (v numeric);
			ALTER TABLE vals OWNER TO spc_owner_$k;
			REVOKE ALL ON vals FROM PUBLIC;
			SET ROLE spc_owner_$k;
			SELECT secure_percentile_party_setup('SELECT v FROM public.vals', 'spc_coordinator');
			SELECT secure_percentile_party_setup('SELECT v FROM public.vals WHERE v > 1e30', 'spc_coordinator');" >/dev/null
		spc_sql "${prefix}_coord" "CREATE SERVER ${prefix}_srv$k FOREIGN DATA WRAPPER dblink_fdw
			OPTIONS (host '${PGHOST:-localhost}', port '${PGPORT:-5432}', dbname '${prefix}_p$k');
			CREATE USER MAPPING FOR CURRENT_USER SERVER ${prefix}_srv$k
			OPTIONS (user 'spc_coordinator', password '$SPC_COORD_PW');" >/dev/null
	done
	for k in $(seq 1 "$np"); do
		key=$(spc_val "${prefix}_p$k" "SELECT encode(secure_percentile_party.public_key(), 'hex')")
		for j in $(seq 1 "$np"); do
			[ "$j" = "$k" ] && continue
			spc_sql "${prefix}_p$j" "INSERT INTO secure_percentile_party.known_parties VALUES (decode('$key', 'hex'), 'party $k')
				ON CONFLICT DO NOTHING" >/dev/null
		done
	done
}

# spc_fill PREFIX NPARTIES SQL: replace every party's values by the rows of
# SQL (columns party, v) run in the coordinator's all_vals.
spc_fill() {
	local prefix=$1 np=$2 q=$3 k
	spc_sql "${prefix}_coord" "TRUNCATE all_vals; INSERT INTO all_vals $q" >/dev/null
	for k in $(seq 1 "$np"); do
		spc_sql "${prefix}_p$k" "TRUNCATE vals" >/dev/null
		"${SPC_PSQL[@]}" -d "${prefix}_coord" -c "\\copy (SELECT v FROM all_vals WHERE party = $k) TO STDOUT" |
			"${SPC_PSQL[@]}" -d "${prefix}_p$k" -c "\\copy vals FROM STDIN"
	done
}
