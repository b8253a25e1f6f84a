#!/usr/bin/env bash
# Binary input (recv) of the Paillier types: COPY BINARY files with a wrong
# version byte, reserved bits set, truncated values, a forged fingerprint or
# an out-of-range c must each fail with 22P03 (or 22023 for an invalid key),
# and the server must stay up.  Runs inside the throwaway cluster.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
db=mpc_binary_suite
work=$(mktemp -d)
trap 'rm -rf "$work"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<SQL
CREATE EXTENSION mpc_eigentrust;
CREATE TABLE src AS
SELECT paillier_keygen(2048) AS sk;
CREATE TABLE cts AS SELECT paillier_encrypt(42::bigint, paillier_pubkey(sk), 2) AS ct, paillier_pubkey(sk) AS pk, sk FROM src;
\copy (SELECT ct FROM cts) TO '$work/ct.bin' WITH (FORMAT binary)
\copy (SELECT pk FROM cts) TO '$work/pk.bin' WITH (FORMAT binary)
\copy (SELECT sk FROM cts) TO '$work/sk.bin' WITH (FORMAT binary)
CREATE TABLE ct_in (ct paillier_ciphertext);
CREATE TABLE pk_in (pk paillier_pubkey);
CREATE TABLE sk_in (sk paillier_privkey);
CREATE TABLE packed_src AS
SELECT paillier_pack(ARRAY[paillier_encrypt(1::bigint, paillier_pubkey(sk), 0, 1000),
                           paillier_encrypt(2::bigint, paillier_pubkey(sk), 0, 1000)]) AS pv FROM src;
\copy (SELECT pv FROM packed_src) TO '$work/packed.bin' WITH (FORMAT binary)
\copy (SELECT share FROM shamir_split(123, 3, 2) LIMIT 1) TO '$work/share.bin' WITH (FORMAT binary)
CREATE TABLE packed_in (pv paillier_packed);
CREATE TABLE share_in (s shamir_share);
SQL

# Make mutated copies of one-row, one-column COPY BINARY files.
"${MPC_PYTHON:-/usr/bin/python3}" - "$work" <<'PY'
import struct, sys, os
work = sys.argv[1]
HDR = 11 + 4 + 4          # signature, flags, header extension length
def load(name):
    raw = open(os.path.join(work, name), 'rb').read()
    ncols, = struct.unpack('>h', raw[HDR:HDR+2])
    ln, = struct.unpack('>i', raw[HDR+2:HDR+6])
    return raw[:HDR], raw[HDR+6:HDR+6+ln]
def save(name, head, field):
    with open(os.path.join(work, name), 'wb') as f:
        f.write(head + struct.pack('>hi', 1, len(field)) + field + struct.pack('>h', -1))
cases = {}
head, ct = load('ct.bin')   # version 2, flags, scale(2), nbytes(4), fp(8), bound(4), n, c
nb = struct.unpack('>I', ct[4:8])[0]
cases['ct_version'] = bytes([3]) + ct[1:]
cases['ct_flags'] = ct[:1] + bytes([1]) + ct[2:]
cases['ct_truncated'] = ct[:-10]
cases['ct_short_header'] = ct[:6]
cases['ct_no_bound'] = ct[:18]
cases['ct_huge_length'] = ct[:4] + struct.pack('>I', 0x7fffffff) + ct[8:]
cases['ct_zero_length'] = ct[:4] + struct.pack('>I', 0) + ct[8:]
cases['ct_fingerprint'] = ct[:8] + bytes(8) + ct[16:]
cases['ct_scale'] = ct[:2] + struct.pack('>h', -3) + ct[4:]
cases['ct_bound'] = ct[:16] + struct.pack('>I', 2046) + ct[20:]
cases['ct_bound_huge'] = ct[:16] + struct.pack('>I', 0xffffffff) + ct[20:]
cases['ct_c_zero'] = ct[:20 + nb] + bytes(2 * nb)
cases['ct_c_too_big'] = ct[:20 + nb] + b'\xff' * (2 * nb)
cases['ct_trailing'] = ct + b'\x00'
cases['ct_v1_c_zero'] = bytes([1]) + ct[1:16] + ct[20:20 + nb] + bytes(2 * nb)
# format 1 (no bound field) is still read, and format 2 with a smaller bound
save('ct_v1.bin', head, bytes([1]) + ct[1:16] + ct[20:])
save('ct_bound_7.bin', head, ct[:16] + struct.pack('>I', 7) + ct[20:])
for k, v in cases.items():
    save(k + '.bin', head, v)
head, pk = load('pk.bin')   # version, flags, reserved(2), nbytes(4), fp(8), n
save('pk_version.bin', head, bytes([9]) + pk[1:])
save('pk_even.bin', head, pk[:-1] + bytes([pk[-1] & 0xfe]))
save('pk_truncated.bin', head, pk[:100])
head, sk = load('sk.bin')   # version, flags, reserved(2), pbytes(4), qbytes(4), fp(8), p, q
save('sk_version.bin', head, bytes([0]) + sk[1:])
pb = struct.unpack('>I', sk[4:8])[0]
save('sk_p_equals_q.bin', head, sk[:20] + sk[20:20+pb] + sk[20:20+pb][:struct.unpack('>I', sk[8:12])[0]])
save('sk_truncated.bin', head, sk[:30])
# paillier_packed and shamir_share cut short anywhere, the header included
for name in ('packed', 'share'):
    head, v = load(name + '.bin')
    for cut in (0, 1, 2, 5, 9, 12, 19, 40, len(v) // 2, len(v) - 1):
        save('%s_cut%d.bin' % (name, cut), head, v[:cut])
PY

pass=0; fail=0
expect_error() {   # file table column expected-sqlstate
	local out
	out=$(psql -X -q -d "$db" -v VERBOSITY=verbose -c "\\copy $2 FROM '$work/$1' WITH (FORMAT binary)" 2>&1 || true)
	if grep -q "ERROR:  $3" <<<"$out"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL: $1: expected $3, got: $out"
	fi
}
for c in ct_version ct_flags ct_truncated ct_short_header ct_no_bound ct_huge_length ct_zero_length \
         ct_fingerprint ct_scale ct_bound ct_bound_huge ct_c_zero ct_c_too_big ct_v1_c_zero; do
	expect_error "$c.bin" ct_in 22P03
done
expect_error ct_trailing.bin ct_in 22P03
expect_error pk_version.bin pk_in 22P03
expect_error pk_even.bin pk_in 22023
expect_error pk_truncated.bin pk_in 22P03
expect_error sk_version.bin sk_in 22P03
expect_error sk_p_equals_q.bin sk_in 22023
expect_error sk_truncated.bin sk_in 22P03
for f in "$work"/packed_cut*.bin; do expect_error "$(basename "$f")" packed_in 22P03; done
for f in "$work"/share_cut*.bin; do expect_error "$(basename "$f")" share_in 22P03; done

# the untouched files load and decrypt; the server is still up
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "\\copy ct_in FROM '$work/ct.bin' WITH (FORMAT binary)"
got=$(psql -X -At -d "$db" -c "SELECT paillier_decrypt(ct, (SELECT sk FROM src)) FROM ct_in")
if [ "$got" = "42.00" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: round trip gave '$got'"; fi
# format 1 gets the legacy bound (budget 2045 - 64 for a 2048-bit key), a
# received format 2 bound is kept, and both still decrypt and add up
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "TRUNCATE ct_in" \
	-c "\\copy ct_in FROM '$work/ct_v1.bin' WITH (FORMAT binary)" \
	-c "\\copy ct_in FROM '$work/ct_bound_7.bin' WITH (FORMAT binary)"
got=$(psql -X -At -d "$db" -c "SELECT string_agg(paillier_decrypt(ct, (SELECT sk FROM src)) || '/' || paillier_bound(ct), ',' ORDER BY paillier_bound(ct)) || ' sum ' || paillier_decrypt(sum(ct), (SELECT sk FROM src)) FROM ct_in")
if [ "$got" = "42.00/7,42.00/1981 sum 84.00" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: format 1 and bound 7 gave '$got'"; fi
# a value sent out is format 2 with its bound
got=$(psql -X -At -d "$db" -c "SELECT encode(substr(paillier_ciphertext_send(ct), 1, 1), 'hex') || ':' || get_byte(paillier_ciphertext_send(ct), 19) FROM ct_in WHERE paillier_bound(ct) = 7")
if [ "$got" = "02:7" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: send gave '$got'"; fi
echo "paillier binary input: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
