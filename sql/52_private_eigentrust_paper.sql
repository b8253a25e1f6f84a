-- Paper-mode private EigenTrust sessions in one database: a party (number 1
-- of 3) and the key holder live side by side in this session, so the
-- authenticated path can be followed and every deviation a coordinator could
-- try is refused.  The runs across databases are in
-- test/suites/50-private-eigentrust.sh and 52-private-eigentrust-threshold.sh.
CREATE TABLE pp_r (truster bigint, trustee bigint, score double precision);
INSERT INTO pp_r VALUES (1, 2, 1), (2, 3, 1), (3, 1, 1), (3, 9, 2);
CREATE TEMP TABLE id AS   -- parties 1..3, key holder 4
SELECT 1 AS k, * FROM zerosum_keypair() UNION ALL SELECT 2, * FROM zerosum_keypair()
UNION ALL SELECT 3, * FROM zerosum_keypair() UNION ALL SELECT 4, * FROM zerosum_keypair();
SELECT count(DISTINCT public_key) AS distinct_keys FROM id;
SELECT private_key AS p1_priv, public_key AS p1_pub FROM id WHERE k = 1 \gset
SELECT private_key AS kh_priv, public_key AS kh_pub FROM id WHERE k = 4 \gset
SELECT array_agg(public_key ORDER BY k) AS party_pubs FROM id WHERE k <= 3 \gset

-- the party: hello returns only hosted ids (1, 2, 3, never the trustee 9)
SELECT nonce AS p1_nonce, hosted FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'run1',
    :'p1_priv', ARRAY[:'kh_pub'::bytea]) \gset
\echo :hosted
-- the key holder
SELECT nonce AS kh_nonce FROM private_eigentrust_paper_dec_hello('run1', :'kh_priv', :'party_pubs'::bytea[]) \gset
CREATE TEMP TABLE inputs AS
SELECT (SELECT array_agg(public_key ORDER BY k) FROM id) AS pubs,
       ARRAY[:'p1_nonce'::bytea, decode(repeat('02', 32), 'hex'), decode(repeat('03', 32), 'hex'), :'kh_nonce'::bytea] AS nonces;
SELECT private_eigentrust_paper_dec_setup('run1', 1, pubs, nonces, 3, 1, '{1, 2, 3}', '{t, t, t}', NULL, 0.5, false, 2048, NULL) AS m1
FROM inputs \gset
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'run1', 1, pubs, nonces, 3, 1, '{1, 2, 3}', '{t, t, t}', NULL, 0.5, false)
FROM inputs;
-- round 1's message is the key holder's, for this run, round and party: accepted
SELECT octet_length(private_eigentrust_paper_step('SELECT * FROM pp_r', 'run1', 1, ARRAY[:'m1'::bytea])) AS v1_bytes;
\set VERBOSITY sqlstate
-- the key holder decrypts only the product of all three parties' vectors
SELECT * FROM private_eigentrust_paper_decrypt('run1', 1, ARRAY['\x00'::bytea]);
-- that ended the key holder's run (55000); the party, now at round 2, refuses
-- round 1's message again (08P01), which ends its run too (55000)
SELECT * FROM private_eigentrust_paper_decrypt('run1', 1, '{}');
SELECT private_eigentrust_paper_step('SELECT * FROM pp_r', 'run1', 1, ARRAY[:'m1'::bytea]);
SELECT private_eigentrust_paper_step('SELECT * FROM pp_r', 'run1', 1, ARRAY[:'m1'::bytea]);
\set VERBOSITY default

-- a run whose key holder key is not pinned, one with two parties, one where
-- this party's key is elsewhere
SELECT nonce AS p1_nonce FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'run2', :'p1_priv', '{}') \gset
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'run2', 1, pubs,
    ARRAY[:'p1_nonce'::bytea, nonces[2], nonces[3], nonces[4]], 3, 1, '{1, 2, 3}', '{t, t, t}', NULL, 0.5, false) FROM inputs;
SELECT nonce AS p1_nonce FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'run3', :'p1_priv', ARRAY[:'kh_pub'::bytea]) \gset
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'run3', 1, pubs[2:4],
    ARRAY[nonces[2], nonces[3], nonces[4]], 2, 1, '{1, 2, 3}', '{t, t, t}', NULL, 0.5, false) FROM inputs;
SELECT nonce AS p1_nonce FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'run4', :'p1_priv', ARRAY[:'kh_pub'::bytea]) \gset
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'run4', 2, pubs,
    ARRAY[:'p1_nonce'::bytea, nonces[2], nonces[3], nonces[4]], 3, 1, '{1, 2, 3}', '{t, t, t}', NULL, 0.5, false) FROM inputs;
-- a peer list that does not hold this party's hosted ids
SELECT nonce AS p1_nonce FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'run5', :'p1_priv', ARRAY[:'kh_pub'::bytea]) \gset
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'run5', 1, pubs,
    ARRAY[:'p1_nonce'::bytea, nonces[2], nonces[3], nonces[4]], 3, 1, '{1, 2}', '{t, t}', NULL, 0.5, false) FROM inputs;

-- NULL and malformed input: clean ERRORs
\set VERBOSITY sqlstate
SELECT * FROM private_eigentrust_paper_hello(NULL, NULL, 'r', :'p1_priv', '{}');
SELECT * FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, NULL, :'p1_priv', '{}');
SELECT * FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, '', :'p1_priv', '{}');
SELECT * FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'r', '\x00', '{}');
SELECT * FROM private_eigentrust_paper_hello('SELECT * FROM pp_r', NULL, 'r', :'p1_priv', '{"\\x00"}');
SELECT * FROM private_eigentrust_paper_hello('SELECT 1, NULL::bigint, 1', NULL, 'r', :'p1_priv', '{}');
SELECT * FROM private_eigentrust_paper_hello('SELECT 1, 2, ''NaN''::float8', NULL, 'r', :'p1_priv', '{}');
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'nope', 1, '{}', '{}', 3, 1, '{1}', '{t}', NULL, 0.5, false);
SELECT private_eigentrust_paper_setup('SELECT * FROM pp_r', 'nope', 1, NULL, '{}', 3, 1, '{1}', '{t}', NULL, 0.5, false);
SELECT private_eigentrust_paper_step('SELECT * FROM pp_r', 'nope', 1, '{}');
SELECT private_eigentrust_paper_step('SELECT * FROM pp_r', 'nope', 1, NULL);
SELECT * FROM private_eigentrust_paper_dec_hello(NULL, :'kh_priv', '{}');
SELECT * FROM private_eigentrust_paper_dec_hello('r', '\x01', '{}');
SELECT private_eigentrust_paper_dec_setup('nope', 1, '{}', '{}', 3, 1, '{1}', '{t}', NULL, 0.5, false, 2048, NULL);
SELECT * FROM private_eigentrust_paper_decrypt('nope', 1, '{}');
SELECT * FROM private_eigentrust_paper_advance('nope', 1, '{}');
SELECT * FROM private_eigentrust_paper_advance('nope', NULL, '{}');
SELECT nonce AS kh_nonce FROM private_eigentrust_paper_dec_hello('run6', :'kh_priv', :'party_pubs'::bytea[]) \gset
SELECT private_eigentrust_paper_dec_setup('run6', 1, pubs, ARRAY[nonces[1], nonces[2], nonces[3], :'kh_nonce'::bytea],
    3, 1, '{1, 2, 3}', '{t, t, t}', NULL, 0.5, false, 1024, NULL) FROM inputs;
SELECT nonce AS kh_nonce FROM private_eigentrust_paper_dec_hello('run7', :'kh_priv', :'party_pubs'::bytea[]) \gset
SELECT private_eigentrust_paper_dec_setup('run7', 1, pubs, ARRAY[nonces[1], nonces[2], nonces[3], :'kh_nonce'::bytea],
    3, 1, '{1, 2, 3}', '{t, t, t}', '{0, 0, 0}', 0.5, false, 2048, NULL) FROM inputs;
SELECT nonce AS kh_nonce FROM private_eigentrust_paper_dec_hello('run8', :'kh_priv', :'party_pubs'::bytea[]) \gset
SELECT private_eigentrust_paper_dec_setup('run8', 1, pubs, ARRAY[nonces[1], nonces[2], nonces[3], :'kh_nonce'::bytea],
    3, 1, '{3, 2, 1}', '{t, t, t}', NULL, 0.5, false, 2048, NULL) FROM inputs;
\set VERBOSITY default
DROP TABLE pp_r;
