-- The extension loads and reports the version that the catalog says is installed.
SELECT mpc_eigentrust_version() LIKE
       'mpc_eigentrust ' || (SELECT extversion FROM pg_extension WHERE extname = 'mpc_eigentrust') || ' (GMP %)'
       AS version_ok;
