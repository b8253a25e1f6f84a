-- Scheduled reputation jobs (docs/jobs.md).  Run in the database where
-- pg_cron is installed (cron.database_name), as the role that will own the
-- jobs: an ordinary role, not a superuser.  Tested by test/suites/70-cron.sh.

-- ---- plain EigenTrust ---------------------------------------------------

CREATE TABLE reputation (
    computed_at timestamptz      NOT NULL,
    peer        bigint           NOT NULL,
    trust       double precision NOT NULL,
    PRIMARY KEY (computed_at, peer)
);

-- One run: EigenTrust over the ratings, stored under the run's start time;
-- the latest run and keep_earlier earlier ones are kept.  The whole run is
-- one transaction: if it fails, nothing changes.
CREATE PROCEDURE reputation_refresh(keep_earlier integer DEFAULT 7)
LANGUAGE plpgsql AS $$
BEGIN
    -- one run at a time, whoever starts it (pg_cron or a person by hand)
    IF NOT pg_try_advisory_xact_lock(hashtext('reputation_refresh')) THEN
        RAISE NOTICE 'reputation_refresh: another run is in progress; skipped';
        RETURN;
    END IF;
    INSERT INTO reputation (computed_at, peer, trust)
    SELECT now(), e.peer, e.trust
    FROM eigentrust('SELECT truster, trustee, score FROM ratings') AS e;
    DELETE FROM reputation
    WHERE computed_at < (SELECT min(c) FROM (SELECT DISTINCT computed_at AS c FROM reputation
                                             ORDER BY c DESC LIMIT keep_earlier + 1) AS kept);
END
$$;

CREATE VIEW reputation_latest AS
SELECT peer, trust, computed_at FROM reputation
WHERE computed_at = (SELECT max(computed_at) FROM reputation);

-- ---- private EigenTrust across databases ---------------------------------

CREATE TABLE private_reputation (
    computed_at timestamptz      NOT NULL,
    peer        bigint           NOT NULL,
    trust       double precision NOT NULL,
    PRIMARY KEY (computed_at, peer)
);

-- parties are names of dblink_fdw foreign servers (at least 3; masked mode
-- needs no key holder); the passwords live in the job owner's user mappings,
-- never in cron.job.
CREATE PROCEDURE private_reputation_refresh(parties text[], keep_earlier integer DEFAULT 7)
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('private_reputation_refresh')) THEN
        RAISE NOTICE 'private_reputation_refresh: another run is in progress; skipped';
        RETURN;
    END IF;
    INSERT INTO private_reputation (computed_at, peer, trust)
    SELECT now(), e.peer, e.trust
    FROM eigentrust_private(parties) AS e;
    DELETE FROM private_reputation
    WHERE computed_at < (SELECT min(c) FROM (SELECT DISTINCT computed_at AS c FROM private_reputation
                                             ORDER BY c DESC LIMIT keep_earlier + 1) AS kept);
END
$$;

CREATE VIEW private_reputation_latest AS
SELECT peer, trust, computed_at FROM private_reputation
WHERE computed_at = (SELECT max(computed_at) FROM private_reputation);
