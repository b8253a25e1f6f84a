-- The README's getting-started session, run as written (with a 2048-bit key
-- to keep the suite fast), so the documentation cannot drift from behaviour.
-- The JWK itself varies with the key, so only its members are shown.

-- The analyst makes a key pair and keeps the private key in a locked table
-- (never as a literal: statement logs would keep it).
CREATE TABLE analyst_keys (sk paillier_privkey NOT NULL);
REVOKE ALL ON analyst_keys FROM PUBLIC;
INSERT INTO analyst_keys SELECT paillier_keygen(2048);

-- Anyone may have the public key.
CREATE TABLE pubkey AS SELECT paillier_pubkey(sk) AS pk FROM analyst_keys;

-- Salaries encrypted at scale 2 (cents): the table never holds a plaintext.
CREATE TABLE salaries (name text, salary paillier_ciphertext);
INSERT INTO salaries
SELECT name, paillier_encrypt(amount, (SELECT pk FROM pubkey), 2)
FROM (VALUES ('Alice', 4200.50), ('Bob', 3900.00), ('Julia', 5100.25), ('Charles', 4480.75)) v(name, amount);

-- Add up without decrypting; only the total is ever decrypted.
SELECT paillier_decrypt(sum(salary), (SELECT sk FROM analyst_keys)) / count(*) AS average
FROM salaries;
--  average: 4420.3750000000000000

-- Homomorphic arithmetic: a 3 % raise and a 100.00 bonus for everyone.
SELECT name, paillier_decrypt(salary * 1.03 + 100, (SELECT sk FROM analyst_keys)) AS new_salary
FROM salaries ORDER BY name;

-- Exchange keys with python-paillier as JWK.
SELECT jsonb_object_keys(paillier_jwk(pk)) AS jwk_member FROM pubkey ORDER BY 1;
SELECT paillier_pubkey_from_jwk(paillier_jwk(pk))::text = pk::text FROM pubkey;  -- true
DROP TABLE analyst_keys, pubkey, salaries;

-- EigenTrust section
CREATE TABLE ratings (rater bigint, ratee bigint, score int);
INSERT INTO ratings VALUES (1, 3, 100), (2, 3, 100), (1, 2, 75);
SELECT peer, round(trust::numeric, 9) AS trust
FROM eigentrust('SELECT rater, ratee, score FROM ratings',
                pretrust_sql => 'SELECT * FROM (VALUES (1, 50), (2, 100)) p(peer, w)',
                alpha => 0.5)
ORDER BY trust DESC;
DROP TABLE ratings;

-- Secure sums section
SELECT shamir_combine(share) FROM (SELECT * FROM shamir_split(42, 5, 3) LIMIT 3) s;  -- 42
