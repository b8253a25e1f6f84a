# Shared by scripts/test.sh and scripts/demo.sh: install what is missing, build,
# and stage the extension in a private directory that the throwaway server
# reads through Debian's extension_destdir, so nothing is written under /usr.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The throwaway server runs as the postgres user (it refuses root), so it must
# be able to read the staged files even when the clone is not readable by
# others (a 0700 home or mktemp directory, as CI may use): stage under /tmp,
# one directory per clone.
STAGE="${MPC_STAGE:-/tmp/mpc_eigentrust-stage-$(printf '%s' "$ROOT" | sha256sum | cut -c1-16)}"
# MPC_PG_MAJOR=17 builds and tests against another installed PostgreSQL major
# version (scripts/test-pg17-trixie.sh uses it); 15 is the default.
PG_MAJOR="${MPC_PG_MAJOR:-15}"
# The test command and CI build with warnings as errors; a plain `make` does not.
export WERROR=1
export PATH="/usr/lib/postgresql/$PG_MAJOR/bin:$PATH"
export PG_CONFIG="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
# Debian's python3 has python3-networkx; a pyenv python earlier in PATH does not.
export MPC_PYTHON=/usr/bin/python3
export MPC_SHARED_DIR="${MPC_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}"

log() { printf '\n==> %s\n' "$*"; }

ensure_packages() {
	# networkx.pagerank needs numpy and scipy, which python3-networkx only
	# recommends (and recommends are not installed here).
	local want=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-common
	            libgmp-dev build-essential python3 python3-networkx python3-numpy python3-scipy "$@")
	# The paillier-bigint interop suite needs node and npm; a machine that has
	# them from elsewhere keeps its own.
	command -v node >/dev/null || want+=(nodejs)
	command -v npm >/dev/null || want+=(npm)
	# Each feature lists the Debian packages its tests need in a file of its own
	# in scripts/packages.d/ (one name a line, # comments), so adding a suite
	# never means editing this list.
	local f line
	for f in "$ROOT"/scripts/packages.d/*.txt; do
		[ -e "$f" ] || continue
		while read -r line; do
			line=${line%%#*}
			line=${line//[[:space:]]/}
			[ -n "$line" ] && want+=("$line")
		done < "$f"
	done
	local missing=()
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing: ${missing[*]}"
		if [ "$(id -u)" -ne 0 ]; then
			echo "need root to apt-get install ${missing[*]}" >&2
			return 1
		fi
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
}

build_and_stage() {
	log "building"
	make -C "$ROOT" -s -j2 all
	rm -rf "$STAGE"
	mkdir -p "$STAGE"
	chmod 755 "$STAGE"
	make -C "$ROOT" -s install DESTDIR="$STAGE" >/dev/null
}

# Run a command inside a throwaway cluster that loads the staged build.
# Debian's extension_destdir is gone from PostgreSQL 18, whose own
# extension_control_path and dynamic_library_path find the staged files.
in_virtualenv() {
	local where=(-o "extension_destdir=$STAGE")
	if [ "$PG_MAJOR" -ge 18 ]; then
		where=(-o "extension_control_path=$STAGE$("$PG_CONFIG" --sharedir):\$system"
		       -o "dynamic_library_path=$STAGE$("$PG_CONFIG" --pkglibdir):\$libdir")
	fi
	# pg_createcluster picks the next port no cluster it knows of uses, but a
	# server of another tree (a chroot, another checkout's run) may hold it:
	# start from a port nothing listens on.
	local port=${PGPORT:-}
	if [ -z "$port" ]; then
		for port in $(seq 5433 5499); do
			(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
		done
	fi
	PGPORT=$port pg_virtualenv -t "${where[@]}" \
		-o "max_worker_processes=16" \
		-o "max_parallel_workers=8" \
		"$@"
}
