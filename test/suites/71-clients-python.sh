#!/usr/bin/env bash
# The Python client example (examples/python/paillier_client.py, documented
# in docs/clients.md): a key pair made in Python, ciphertexts made with only n
# and inserted as python-paillier JSON and through a psycopg adapter, sum() and
# scalar operations in the database, results decrypted in Python and compared
# with the sums in the clear.  Needs Debian's python3-psycopg: skipped, saying
# so, when it is missing, and a failure under CI=true.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
py=${MPC_PYTHON:-/usr/bin/python3}
if ! "$py" -c 'import psycopg' 2>/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "FAIL: python3-psycopg is not installed (scripts/packages.d/clients.txt lists it)"
		exit 1
	fi
	echo "SKIP: Python client example: python3-psycopg is not installed"
	exit 77
fi
db=mpc_clients_python
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
"$py" "$root/examples/python/paillier_client.py" "dbname=$db"
# the example left its table: the database holds only ciphertexts
got=$(psql -X -At -d "$db" -c "SELECT count(*) FROM salaries WHERE paillier_scale(salary) = 2")
if [ "$got" != 5 ]; then echo "FAIL: expected 5 ciphertexts at scale 2, got $got"; exit 1; fi
if "$py" -c 'import phe' 2>/dev/null; then
	echo "python-paillier is installed; see docs/clients.md for its use"
else
	echo "note: python-paillier (phe) is not packaged in Debian and is not installed; the example uses its JSON format only"
fi
