-- mpc_eigentrust 0.1.0 -> 0.2.0: the DDL changes since 0.1.0.
--
-- The Makefile builds the upgrade script mpc_eigentrust--0.1.0--0.2.0.sql
-- from this file followed by every COMMENT ON statement of src/sql/*.sql, so
-- comments never drift.  A definition is never written twice: a line
--   --@create FUNCTION name          (every overload)
--   --@create FUNCTION name(arg      (one overload)
--   --@replace FUNCTION name         (as CREATE OR REPLACE)
-- is replaced by the statements of src/sql/*.sql it selects (see
-- expand.awk).  Only what has no source statement is written here: DROPs,
-- ALTERs and data moves.  test/suites/15-upgrade.sh proves that the result
-- gives the catalog contents of a fresh install, and that data stored under
-- 0.1.0 still works.  When 0.2.0 is released, the built script is frozen into
-- releases/ and this file starts over for the next version.

-- ---- 14: a public magnitude bound on every ciphertext (format 2); encryption
-- takes the declared range max_abs, JSON import too.  The 0.1.0 signatures
-- are replaced (their C functions read max_abs only when it is passed).
DROP FUNCTION paillier_encrypt(bigint, paillier_pubkey, integer);
DROP FUNCTION paillier_encrypt(numeric, paillier_pubkey, integer);
DROP FUNCTION paillier_encrypt(double precision, paillier_pubkey, integer);
DROP FUNCTION paillier_encrypt(bigint, paillier_privkey, integer);
DROP FUNCTION paillier_encrypt(numeric, paillier_privkey, integer);
DROP FUNCTION paillier_encrypt(double precision, paillier_privkey, integer);
DROP FUNCTION paillier_ciphertext_from_json(paillier_pubkey, jsonb);

--@create FUNCTION paillier_encrypt(value bigint, key paillier_pubkey

--@create FUNCTION paillier_encrypt(value numeric, key paillier_pubkey

--@create FUNCTION paillier_encrypt(value double precision, key paillier_pubkey

--@create FUNCTION paillier_encrypt(value bigint, key paillier_privkey

--@create FUNCTION paillier_encrypt(value numeric, key paillier_privkey

--@create FUNCTION paillier_encrypt(value double precision, key paillier_privkey

--@create FUNCTION paillier_bound

--@create FUNCTION paillier_ciphertext_from_json

-- ---- 16: a public key from a bare modulus; helpful errors for swapped arguments and public-key decryption
--@create FUNCTION paillier_pubkey_from_n

--@create FUNCTION paillier_encrypt(key paillier_pubkey

--@create FUNCTION paillier_encrypt(key paillier_privkey

--@create FUNCTION paillier_decrypt(key

--@create FUNCTION paillier_pubkey_as_privkey

CREATE CAST (paillier_pubkey AS paillier_privkey) WITH FUNCTION paillier_pubkey_as_privkey(paillier_pubkey) AS IMPLICIT;


-- ---- 13: threshold Paillier (the whole of src/sql/70_threshold.sql but its comments)
-- Threshold Paillier: t of l stewards must cooperate to decrypt.

--@create TYPE paillier_keyshare;
--@create FUNCTION paillier_keyshare_in
--@create FUNCTION paillier_keyshare_out
--@create FUNCTION paillier_keyshare_recv
--@create FUNCTION paillier_keyshare_send
--@create TYPE paillier_keyshare (

--@create TYPE paillier_decshare;
--@create FUNCTION paillier_decshare_in
--@create FUNCTION paillier_decshare_out
--@create FUNCTION paillier_decshare_recv
--@create FUNCTION paillier_decshare_send
--@create TYPE paillier_decshare (


--@create FUNCTION paillier_keyshare_export

--@create FUNCTION paillier_pubkey(paillier_keyshare

--@create FUNCTION paillier_threshold_keygen

--@create FUNCTION paillier_threshold_split

--@create FUNCTION paillier_decrypt_share

--@create FUNCTION paillier_combine

--@create AGGREGATE paillier_combine

-- ---- 14: the memory self-check used by the tests
--@create FUNCTION _mpc_memory_selftest


-- ---- 18: eigentrust()'s epsilon is now a proven L1 bound, default 1e-12
--@replace FUNCTION eigentrust


-- ---- 11: private EigenTrust's masked mode (no key holder), fast mode
-- retired, hardened party functions.  Every function of 0.1.0's protocol is
-- replaced; the tables are kept (parties rerun private_eigentrust_party_setup,
-- see the README's "Upgrading").
DROP FUNCTION private_eigentrust_party_peers(text);
DROP FUNCTION private_eigentrust_party_step(text, text, integer, paillier_pubkey, bigint[], bigint[], bigint[], bytea);
DROP FUNCTION private_eigentrust_party_setup(text, name, name);
DROP FUNCTION private_eigentrust_key_new(text, integer, integer);
DROP FUNCTION private_eigentrust_key_decrypt(text, integer, integer, bytea, integer, integer);
DROP FUNCTION private_eigentrust_key_drop(text);
DROP FUNCTION private_eigentrust_key_holder_setup(name);
DROP FUNCTION private_eigentrust_decrypt_vector(bytea, paillier_privkey, integer);
DROP FUNCTION private_eigentrust_encrypt_vector(paillier_pubkey, bigint[], integer);
DROP FUNCTION private_eigentrust_combine(paillier_pubkey, bytea[]);
DROP FUNCTION private_eigentrust_next(bigint[], bigint[], bigint[], boolean[], double precision);
DROP FUNCTION private_eigentrust_vector_slice(paillier_pubkey, bytea, integer, integer);
DROP FUNCTION private_eigentrust_vector_info(bytea);
DROP FUNCTION private_eigentrust_fail(text, integer, text, text, text);
DROP FUNCTION private_eigentrust_display(text);
DROP FUNCTION eigentrust_private(text[], text, text, double precision, double precision, integer, text, integer, name);
-- the log was writable by PUBLIC in 0.1.0
REVOKE INSERT ON private_eigentrust_log FROM PUBLIC;

--@create FUNCTION private_eigentrust_masked_hello

--@create FUNCTION private_eigentrust_masked_setup

--@create FUNCTION private_eigentrust_masked_step

--@create FUNCTION private_eigentrust_masked_final

--@create FUNCTION private_eigentrust_masked_relay

--@create FUNCTION private_eigentrust_masked_result

--@create FUNCTION private_eigentrust_masked_sum

--@create FUNCTION private_eigentrust_party_setup

-- paper mode keeps round keys in the key holder's session only
DROP TABLE private_eigentrust_keys;
DROP TABLE private_eigentrust_decrypted;

--@create FUNCTION private_eigentrust_decrypt_vector

--@create FUNCTION private_eigentrust_encrypt_vector

--@create FUNCTION private_eigentrust_combine

--@create FUNCTION private_eigentrust_next

--@create FUNCTION private_eigentrust_vector_slice

--@create FUNCTION private_eigentrust_vector_info

REVOKE ALL ON private_eigentrust_log FROM PUBLIC;

GRANT SELECT ON private_eigentrust_log TO PUBLIC;

--@create VIEW private_eigentrust_progress

GRANT SELECT ON private_eigentrust_progress TO PUBLIC;

--@create FUNCTION private_eigentrust_fail

--@create FUNCTION private_eigentrust_display

--@create FUNCTION private_eigentrust_broadcast

-- ---- the coordinator plumbing every cross-database protocol shares (45_coordinator.sql)
--@create FUNCTION private_eigentrust_wrapper_path

--@create FUNCTION private_eigentrust_dblink

--@create FUNCTION private_eigentrust_connect

--@create FUNCTION private_eigentrust_disconnect

--@create FUNCTION private_eigentrust_reraise

--@create FUNCTION private_eigentrust_remote

--@create FUNCTION private_eigentrust_call_sql

--@create FUNCTION private_eigentrust_gather

--@create FUNCTION private_eigentrust_coordinator_error

--@create FUNCTION private_eigentrust_grant

--@create FUNCTION private_eigentrust_run_id

--@create FUNCTION private_eigentrust_party_count

--@create FUNCTION private_eigentrust_finish

--@create FUNCTION private_eigentrust_check_queries

--@create FUNCTION private_eigentrust_hosted_once

--@create FUNCTION private_eigentrust_masked_run

--@create FUNCTION private_eigentrust_pretrust



-- ---- zerosum_keypair works when the extension's schema is not on search_path
--@replace FUNCTION zerosum_keypair

-- ---- 15: C symbols equal their SQL names where cheap; the old symbol stays
-- in the library for 0.1.0's install script.
--@replace FUNCTION paillier_decrypt_many

-- ---- 13: paper-mode private EigenTrust with a threshold key (decryptors);
-- eigentrust_private gains decryptors text[]
--@create FUNCTION private_eigentrust_vector_ciphertexts

--@create FUNCTION private_eigentrust_threshold_decrypt

--@create FUNCTION private_eigentrust_decryptor_setup

-- Connect to the decryptors, check they hold shares of one key, return the
-- open connections (NULL for one that did not answer).
--@create FUNCTION private_eigentrust_decryptors_open

-- Ask every live decryptor for the decryption shares of one combined
-- vector at once, and combine the first threshold valid ones.
--@create FUNCTION eigentrust_private

-- ---- paper mode meets the deviating-coordinator model: authenticated round
-- keys, decryption of the authenticated product only, once per round

--@create FUNCTION private_eigentrust_paper_hello

--@create FUNCTION private_eigentrust_paper_setup

--@create FUNCTION private_eigentrust_paper_step

--@create FUNCTION private_eigentrust_paper_dec_hello

--@create FUNCTION private_eigentrust_paper_dec_setup

--@create FUNCTION private_eigentrust_paper_decrypt

--@create FUNCTION private_eigentrust_paper_advance

--@create FUNCTION private_eigentrust_paper_role_setup

--@create FUNCTION private_eigentrust_key_holder_setup

--@create FUNCTION private_eigentrust_paper_run

-- ---- secure_percentile and secure_median (src/sql/63_secure_percentile*.sql)
-- The k-th ranked value (median, percentiles) across databases, by
-- bisection with a secure comparison (docs/secure-sum.md, "The median and
-- other percentiles").  Parties hold values; a coordinator drives the steps
-- through dblink and sees only ciphertexts, tags and the published bits.

-- ---- C steps (src/pg/secure_percentile.c) --------------------------------

--@create FUNCTION secure_percentile_mac_keys

--@create FUNCTION secure_percentile_zero_mask

--@create FUNCTION secure_percentile_tag

--@create FUNCTION secure_percentile_verify

--@create FUNCTION secure_percentile_encrypt

--@create FUNCTION secure_percentile_mask_sum

--@create FUNCTION secure_percentile_cmp_bits

--@create FUNCTION secure_percentile_cmp_blind

--@create FUNCTION secure_percentile_cmp_open

-- ---- public parameters, derived alike by every party and the coordinator

--@create FUNCTION secure_percentile_params

-- ---- party -----------------------------------------------------------

-- The step functions below run inside the SECURITY DEFINER wrappers that
-- secure_percentile_party_setup makes; party_schema names the tables.

--@create FUNCTION secure_percentile_party_join

-- Move the bisection interval by the published bit of 'step'.
--@create FUNCTION secure_percentile_party_move

-- Apply the bit A published for step 'step' (tags checked), advancing lo/hi.
--@create FUNCTION secure_percentile_party_apply

--@create FUNCTION secure_percentile_party_count

-- The run row of a party that must play 'role' (1 = comparer A, 2 = B).
--@create FUNCTION secure_percentile_party_row

-- B: check every party's tag, add up, mask.
--@create FUNCTION secure_percentile_party_combine

-- A: decrypt the masked sum, return its encrypted bits.
--@create FUNCTION secure_percentile_party_bits

-- B: the blinded comparison terms.
--@create FUNCTION secure_percentile_party_blind

-- A: the bit, tagged for every party.
--@create FUNCTION secure_percentile_party_open_bit

-- Every party: apply the last bit, publish the result, forget the run.
--@create FUNCTION secure_percentile_party_finish

--@create FUNCTION secure_percentile_party_setup

-- ---- coordinator ------------------------------------------------------

--@create TABLE secure_percentile_log
REVOKE ALL ON secure_percentile_log FROM PUBLIC;

--@create FUNCTION secure_percentile

--@create FUNCTION secure_median

--@create FUNCTION paillier_encrypt_many

-- ---- secure sums (src/sql/62_secure_sum*.sql)
-- Secure sums and averages across databases (docs/secure-sum.md): a
-- coordinator adds the masked values of party databases over dblink.  Double
-- masking after Bonawitz et al. (CCS 2017): pairwise zero-sum masks from
-- per-run Diffie-Hellman keys plus a self-mask per party, both Shamir-shared
-- among the parties at setup (sealed and authenticated with authmsg keys of
-- the parties' long-term identity keys, so the relaying coordinator can
-- neither read nor alter them).  Glue: src/pg/secure_sum.c.

--@create FUNCTION secure_sum_seal

--@create FUNCTION secure_sum_open

-- ---- party side -------------------------------------------------------

-- The run row of this party, locked; ERROR when absent.
--@create FUNCTION secure_sum_party_run

--@create FUNCTION secure_sum_party_hello

--@create FUNCTION secure_sum_party_share

--@create FUNCTION secure_sum_party_mask

--@create FUNCTION secure_sum_party_unmask

--@create FUNCTION secure_sum_party_finish

--@create FUNCTION secure_sum_party_setup

-- ---- coordinator ------------------------------------------------------

--@create FUNCTION secure_sum_run

--@create FUNCTION secure_sum

--@create FUNCTION secure_avg

-- ---- groups mode (src/sql/76_private_eigentrust_groups.sql, party side;
-- 77_private_eigentrust_groups_relay.sql and 78_private_eigentrust_groups_run.sql,
-- the coordinator) ----
-- ---- party and decryptor primitives (C) -------------------------------

--@create FUNCTION private_eigentrust_groups_key

--@create FUNCTION private_eigentrust_groups_check_key

--@create FUNCTION private_eigentrust_groups_receipt

--@create FUNCTION private_eigentrust_groups_decrypt

--@create FUNCTION private_eigentrust_groups_release

--@create FUNCTION private_eigentrust_groups_released

--@create FUNCTION private_eigentrust_groups_place

--@create FUNCTION private_eigentrust_groups_adapt

-- ---- party setup ------------------------------------------------------

--@create FUNCTION private_eigentrust_groups_party_setup

-- ---- coordinator ------------------------------------------------------

--@create TABLE private_eigentrust_groups_log
SELECT pg_catalog.pg_extension_config_dump('private_eigentrust_groups_log', '');
REVOKE ALL ON private_eigentrust_groups_log FROM PUBLIC;
GRANT SELECT ON private_eigentrust_groups_log TO PUBLIC;

-- Send one statement per connection at once; wait for all; collect one text
-- value each, the seconds each took and the error of each that failed.
--@create FUNCTION private_eigentrust_groups_gather

-- The chains of one round, all groups at once: a group's message goes to
-- its next member as soon as the one before answered.
--@create FUNCTION private_eigentrust_groups_chains

--@create FUNCTION private_eigentrust_groups_answers

--@create FUNCTION private_eigentrust_groups_release_chains

--@create FUNCTION eigentrust_private_groups
--@create FUNCTION private_eigentrust_groups_contribution

-- ---- 11: masked mode recovers a party that drops out (double masking);
-- the coordinator's round loop in small functions
--@create FUNCTION private_eigentrust_masked_unmask
--@create FUNCTION private_eigentrust_masked_gather
--@create FUNCTION private_eigentrust_masked_sql
--@create FUNCTION private_eigentrust_masked_round
--@create FUNCTION private_eigentrust_masked_dropouts
--@create FUNCTION private_eigentrust_masked_open
--@create FUNCTION private_eigentrust_masked_universe

-- ---- issue 17: private set intersection (src/sql/64_psi.sql)
-- ---- party side --------------------------------------------------------

--@create FUNCTION psi_ids_kind

--@create FUNCTION psi_party_hello

--@create FUNCTION psi_party_blind

--@create FUNCTION psi_party_reveal

--@create FUNCTION psi_party_end

--@create FUNCTION psi_party_setup

-- ---- coordinator side --------------------------------------------------

--@create FUNCTION psi_match

--@create FUNCTION psi_run

--@create FUNCTION psi_check_args

--@create FUNCTION psi_cardinality

--@create FUNCTION psi_intersection
