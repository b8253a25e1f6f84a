-- Common objects.

CREATE FUNCTION mpc_eigentrust_version()
RETURNS text
AS 'MODULE_PATHNAME', 'mpc_eigentrust_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mpc_eigentrust_version() IS
'version of the loaded mpc_eigentrust library and of the GMP it runs on';
