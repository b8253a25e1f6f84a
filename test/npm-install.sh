# Sourced by the suites that need npm packages: npm_install DIR WHAT runs
# `npm install` in DIR, where a package.json pins the packages.
#
# node and npm are installed by the test command, so their absence is a
# failure.  The npm registry is reachable from this project's machines and
# CI; a machine that cannot reach it at all (no route, no name, or a TLS
# interception whose certificate authority it does not trust, as in a
# debootstrap root) is told apart from a failing install by npm's error
# code, and skips saying which.  Any other failure of the install fails.
npm_install() {
	local dir=$1 what=$2 log
	command -v node >/dev/null && command -v npm >/dev/null ||
		{ echo "FAIL: $what: node and npm are not installed (scripts/test.sh installs them)"; exit 1; }
	log="$dir/npm.log"
	if (cd "$dir" && timeout 300 npm install --no-audit --no-fund --loglevel=error >"$log" 2>&1); then
		return 0
	fi
	local code
	code=$(grep -o -m1 -E 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|CERT_[A-Z_]+' "$log" || true)
	if [ -n "$code" ]; then
		echo "SKIP: $what: the npm registry cannot be reached from this machine ($code)"
		exit 77
	fi
	cat "$log"
	echo "FAIL: $what: npm install failed"
	exit 1
}
