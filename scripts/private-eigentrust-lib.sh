# Shared by scripts/demo-inner.sh, test/suites/50-private-eigentrust.sh and
# bench/private_eigentrust.sh: build a coordinator, a key holder and party
# databases inside the running (throwaway) cluster.  Source it after
# scripts/common.sh; PGHOST/PGPORT/PGUSER come from pg_virtualenv.
#
# Roles (cluster-wide):
#   pet_coordinator   LOGIN: what the coordinator connects to the parties and
#                     the key holder as; EXECUTE on the step functions only
#   pet_owner_<k>     NOLOGIN: owns party k's ratings table and the
#                     SECURITY DEFINER step functions that read it

PET_COORD_PW=${PET_COORD_PW:-pet-coordinator-test-only}
PET_PSQL=(psql -X -q -v ON_ERROR_STOP=1)

pet_sql() { "${PET_PSQL[@]}" -d "$1" -c "$2"; }
pet_val() { "${PET_PSQL[@]}" -At -d "$1" -c "$2"; }

# Connection string of a database as the coordinator role.
pet_conn() {
	printf 'host=%s port=%s dbname=%s user=pet_coordinator password=%s' \
		"${PGHOST:-localhost}" "${PGPORT:-5432}" "$1" "$PET_COORD_PW"
}

# pet_parties_array PREFIX NPARTIES -> an SQL text[] literal of connection strings
pet_parties_array() {
	local prefix=$1 np=$2 k out="ARRAY["
	for k in $(seq 1 "$np"); do
		[ "$k" -gt 1 ] && out+=", "
		out+="'$(pet_conn "${prefix}_p$k")'"
	done
	printf '%s]' "$out"
}

# pet_drop PREFIX NPARTIES
pet_drop() {
	local prefix=$1 np=$2 k
	for db in "${prefix}_coord" "${prefix}_kh" $(for k in $(seq 1 "$np"); do echo "${prefix}_p$k"; done); do
		dropdb --if-exists "$db" >/dev/null 2>&1 || true
	done
}

# pet_create PREFIX NPARTIES: databases, roles, extensions, key holder grants
pet_create() {
	local prefix=$1 np=$2 k
	pet_drop "$prefix" "$np"
	"${PET_PSQL[@]}" -d postgres >/dev/null <<-SQL
		DO \$\$ BEGIN
		  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pet_coordinator') THEN
		    CREATE ROLE pet_coordinator LOGIN PASSWORD '$PET_COORD_PW';
		  END IF;
		END \$\$;
	SQL
	createdb "${prefix}_coord"
	pet_sql "${prefix}_coord" "CREATE EXTENSION mpc_eigentrust; CREATE EXTENSION dblink;" >/dev/null
	createdb "${prefix}_kh"
	pet_sql "${prefix}_kh" "CREATE EXTENSION mpc_eigentrust;
		SELECT private_eigentrust_key_holder_setup('pet_coordinator');" >/dev/null
	for k in $(seq 1 "$np"); do
		"${PET_PSQL[@]}" -d postgres >/dev/null <<-SQL
			DO \$\$ BEGIN
			  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pet_owner_$k') THEN
			    CREATE ROLE pet_owner_$k NOLOGIN;
			  END IF;
			END \$\$;
		SQL
		createdb "${prefix}_p$k"
		pet_sql "${prefix}_p$k" "CREATE EXTENSION mpc_eigentrust;
			GRANT CREATE ON DATABASE \"${prefix}_p$k\" TO pet_owner_$k;
			CREATE TABLE ratings (truster bigint NOT NULL, trustee bigint NOT NULL, score double precision NOT NULL);
			ALTER TABLE ratings OWNER TO pet_owner_$k;
			REVOKE ALL ON ratings FROM PUBLIC;" >/dev/null
	done
}

# pet_split PREFIX NPARTIES: copy each truster's rows of the coordinator's
# reference table all_ratings into the party that hosts it (truster mod
# NPARTIES), then expose them.  With PET_MEMBERS=1 each party also hosts, as
# members, every id of the network that maps to it (id mod NPARTIES).  all_ratings exists only so tests can compare
# with plain eigentrust(); a real coordinator never has it.
pet_split() {
	local prefix=$1 np=$2 k
	for k in $(seq 1 "$np"); do
		psql -X -q -v ON_ERROR_STOP=1 -d "${prefix}_coord" -c \
			"\\copy (SELECT truster, trustee, score FROM all_ratings WHERE (truster % $np) = $((k - 1))) TO STDOUT" |
			psql -X -q -v ON_ERROR_STOP=1 -d "${prefix}_p$k" -c "\\copy ratings FROM STDIN"
		if [ -n "${PET_MEMBERS:-}" ]; then
			# every id of the network is a member of the party its id maps to,
			# so ids that only receive ratings are in the peer universe too
			pet_sql "${prefix}_p$k" "CREATE TABLE IF NOT EXISTS members (id bigint PRIMARY KEY);
				ALTER TABLE members OWNER TO pet_owner_$k; REVOKE ALL ON members FROM PUBLIC;" >/dev/null
			psql -X -q -v ON_ERROR_STOP=1 -d "${prefix}_coord" -c \
				"\\copy (SELECT DISTINCT x FROM all_ratings, LATERAL (VALUES (truster), (trustee)) v(x) WHERE (x % $np) = $((k - 1))) TO STDOUT" |
				psql -X -q -v ON_ERROR_STOP=1 -d "${prefix}_p$k" -c "\\copy members FROM STDIN"
		fi
		pet_sql "${prefix}_p$k" "ANALYZE ratings;
			SET ROLE pet_owner_$k;
			SELECT private_eigentrust_party_setup('SELECT truster, trustee, score FROM public.ratings', 'pet_coordinator',
			    members_sql => $( [ -n "${PET_MEMBERS:-}" ] && echo "'SELECT id FROM public.members'" || echo NULL ));" >/dev/null
	done
	pet_pin "$prefix" "$np"
	pet_pin_role "$prefix" "$np" "${prefix}_kh" private_eigentrust_key_holder
}

# pet_pin PREFIX NPARTIES [SCHEMA]: what each party owner does out of band for
# masked mode: pin every other party's public key in masked_known_parties.
pet_pin() {
	local prefix=$1 np=$2 schema=${3:-private_eigentrust_party} k j key
	for k in $(seq 1 "$np"); do
		key=$(pet_val "${prefix}_p$k" "SELECT encode($schema.masked_public_key(), 'hex')")
		for j in $(seq 1 "$np"); do
			[ "$j" = "$k" ] && continue
			pet_sql "${prefix}_p$j" "INSERT INTO $schema.masked_known_parties VALUES (decode('$key', 'hex'), 'party $k')
				ON CONFLICT DO NOTHING" >/dev/null
		done
	done
}

# pet_generate PREFIX PEERS SEED: a deterministic trust network in the
# coordinator's all_ratings: power-law-ish out-degrees (1..60), trustees
# biased toward low ids, ratings -10..10 mostly positive, some duplicates
# and self ratings.
pet_generate() {
	local prefix=$1 peers=$2 seed=$3
	pet_sql "${prefix}_coord" "
		DROP TABLE IF EXISTS all_ratings;
		CREATE TABLE all_ratings (truster bigint, trustee bigint, score double precision);
		SELECT setseed($seed);
		INSERT INTO all_ratings
		SELECT i, 1 + floor($peers * power(random(), 2))::bigint,
		       CASE WHEN random() < 0.85 THEN ceil(10 * random()) ELSE -ceil(10 * random()) END
		FROM generate_series(1, $peers) i,
		     LATERAL generate_series(1, 1 + floor(59 * power(random(), 4))::int + (i * 0)) d;
		ANALYZE all_ratings;" >/dev/null
}

# pet_load_csv PREFIX FILE: Bitcoin Alpha style CSV (Source,Target,Rating,...)
pet_load_csv() {
	local prefix=$1 file=$2
	pet_sql "${prefix}_coord" "
		DROP TABLE IF EXISTS all_ratings;
		CREATE TABLE all_ratings (truster bigint, trustee bigint, score double precision, time bigint);" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d "${prefix}_coord" -c "\\copy all_ratings FROM '$file' WITH (FORMAT csv, HEADER true)"
}

# pet_cluster_cpu: CPU seconds of every backend that exited since the cluster
# started (the postmaster reaps its children, so their times land in its
# cutime + cstime).
pet_cluster_cpu() {
	local dir pid
	dir=$(pet_val postgres "SHOW data_directory")
	pid=$(head -1 "$dir/postmaster.pid")
	awk -v tck="$(getconf CLK_TCK)" '{ printf "%.3f", ($16 + $17) / tck }' "/proc/$pid/stat"
}

# pet_pin_role PREFIX NPARTIES DB SCHEMA [PARTY_SCHEMA]: what the owners do out
# of band for paper mode: every party pins the public key of the key holder or
# decryptor in DB (its SCHEMA.public_key()), and DB pins every party's key in
# SCHEMA.known_parties.
pet_pin_role() {
	local prefix=$1 np=$2 db=$3 schema=$4 pschema=${5:-private_eigentrust_party} k key pkey
	key=$(pet_val "$db" "SELECT encode($schema.public_key(), 'hex')")
	for k in $(seq 1 "$np"); do
		pet_sql "${prefix}_p$k" "INSERT INTO $pschema.masked_known_parties VALUES (decode('$key', 'hex'), '$db $schema')
			ON CONFLICT DO NOTHING" >/dev/null
		pkey=$(pet_val "${prefix}_p$k" "SELECT encode($pschema.masked_public_key(), 'hex')")
		pet_sql "$db" "INSERT INTO $schema.known_parties VALUES (decode('$pkey', 'hex'), 'party $k')
			ON CONFLICT DO NOTHING" >/dev/null
	done
}
