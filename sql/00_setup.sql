-- The extension loads and reports its version.
SELECT mpc_eigentrust_version() LIKE 'mpc_eigentrust 0.1.0 (GMP %)' AS version_ok;
