# expand.awk: build an upgrade script from its source without copying SQL.
#
#   awk -f expand.awk src/sql/*.sql src/sql/upgrade/<from>--<to>.sql
#
# Every file but the last is a current source file.  Its CREATE [OR REPLACE]
# FUNCTION | PROCEDURE | AGGREGATE | VIEW | TABLE | TYPE statements are
# collected, in source order.  The last file is the upgrade source: its lines
# are copied, except directive lines
#
#   --@create SELECTOR      every collected statement that SELECTOR selects, verbatim
#   --@replace SELECTOR     the same, each turned into CREATE OR REPLACE
#
# SELECTOR is the start of a statement's first line after "CREATE [OR
# REPLACE] ", for example
#
#   FUNCTION paillier_encrypt             every overload of paillier_encrypt
#   FUNCTION paillier_decrypt(key         one overload
#   TYPE paillier_keyshare (              the full type, not its shell
#
# and it must end at a word boundary.  A directive that selects nothing is an
# error, so a renamed object cannot silently drop out of the upgrade.
#
# A statement ends at a ';' outside quotes, dollar quotes and -- comments.

function scan(line,    i, n, c, rest) {
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (dtag != "") {
			if (substr(line, i, length(dtag)) == dtag) {
				i += length(dtag) - 1
				dtag = ""
			}
		} else if (inq) {
			if (c == "'")
				inq = 0
		} else if (c == "'") {
			inq = 1
		} else if (c == "-" && substr(line, i, 2) == "--") {
			return 0
		} else if (c == "$") {
			rest = substr(line, i)
			if (match(rest, /^\$[A-Za-z_]*\$/)) {
				dtag = substr(rest, 1, RLENGTH)
				i += RLENGTH - 1
			}
		} else if (c == ";") {
			return 1
		}
	}
	return 0
}

FILENAME != ARGV[ARGC - 1] {
	if (!instmt && dtag == "" && !inq &&
		$0 ~ /^CREATE[ \t]+(OR[ \t]+REPLACE[ \t]+)?(FUNCTION|PROCEDURE|AGGREGATE|VIEW|TABLE|TYPE)[ \t]/) {
		instmt = 1
		n++
		sig[n] = $0
		sub(/^CREATE[ \t]+(OR[ \t]+REPLACE[ \t]+)?/, "", sig[n])
		verbatim[n] = $0 "\n"
		replaced[n] = "CREATE OR REPLACE " sig[n] "\n"
	} else if (instmt) {
		verbatim[n] = verbatim[n] $0 "\n"
		replaced[n] = replaced[n] $0 "\n"
	}
	if (scan($0) && instmt)
		instmt = 0
	next
}

/^--@(create|replace) / {
	sel = $0
	sub(/^--@[a-z]+ /, "", sel)
	found = 0
	for (i = 1; i <= n; i++) {
		if (substr(sig[i], 1, length(sel)) != sel)
			continue
		if (sel ~ /[A-Za-z0-9_]$/ && substr(sig[i], length(sel) + 1, 1) ~ /[A-Za-z0-9_]/)
			continue
		printf("%s", $1 == "--@replace" ? replaced[i] : verbatim[i])
		found++
	}
	if (!found) {
		printf("%s:%d: no statement of the sources is selected by \"%s\"\n", FILENAME, FNR, sel) > "/dev/stderr"
		exit 1
	}
	next
}

{ print }
