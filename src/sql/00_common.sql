-- Common objects.

CREATE FUNCTION mpc_eigentrust_version()
RETURNS text
AS 'MODULE_PATHNAME', 'mpc_eigentrust_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mpc_eigentrust_version() IS
'version of the loaded mpc_eigentrust library and of the GMP it runs on';

-- Internal: a self-check of the extension's memory handling (tests).
CREATE FUNCTION _mpc_memory_selftest()
RETURNS boolean
AS 'MODULE_PATHNAME', '_mpc_memory_selftest'
LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION _mpc_memory_selftest() IS
'internal self-check: true when GMP values and secret buffers still held when their memory context goes (as on an ERROR) are wiped first';
