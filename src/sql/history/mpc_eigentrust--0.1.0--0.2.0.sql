-- mpc_eigentrust 0.1.0 -> 0.2.0.  The fresh 0.2.0 install script is generated
-- from src/sql/*.sql; test/suites/15-upgrade.sh proves that this upgrade gives
-- the same catalog contents, and that data stored under 0.1.0 still works.
\echo Use "ALTER EXTENSION mpc_eigentrust UPDATE TO '0.2.0'" to load this file. \quit
