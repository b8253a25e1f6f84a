-- EigenTrust over any edge query.

CREATE FUNCTION eigentrust(
    edges_sql    text,
    pretrust_sql text             DEFAULT NULL,
    alpha        double precision DEFAULT 0.15,
    epsilon      double precision DEFAULT 1e-12,
    max_iter     integer          DEFAULT 1000,
    distrust     boolean          DEFAULT false,
    verbose      boolean          DEFAULT false)
RETURNS TABLE(peer bigint, trust double precision)
AS 'MODULE_PATHNAME', 'mpc_eigentrust'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL UNSAFE
ROWS 1000;
COMMENT ON FUNCTION eigentrust(text, text, double precision, double precision, integer, boolean, boolean) IS
'EigenTrust global trust of every peer: edges_sql gives (truster, trustee, score), pretrust_sql (peer, weight) or NULL for uniform; alpha is the weight of pre-trust (networkx alpha = 1 - alpha); stops when the L1 distance to the exact fixed point is proven below epsilon';
