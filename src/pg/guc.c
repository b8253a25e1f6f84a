/*
 * guc.c: the extension's four settings, all registered here.
 *
 *   mpc_eigentrust.use_avx512          USERSET  AVX-512 IFMA products on/off
 *   mpc_eigentrust.encryption_method   USERSET  djn | textbook
 *   mpc_eigentrust.djn_window          USERSET  1..8 bits
 *   mpc_eigentrust.djn_table_cache_mb  SUSET    0..1024 MiB per backend
 *
 * The table cache is the only setting that decides how much memory a
 * backend keeps between queries, so only a superuser (or ALTER ROLE /
 * ALTER DATABASE / postgresql.conf) may change it; the window is bounded by
 * the cache budget, since a table that does not fit is not built.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "djn.h"
#include "ifma.h"
#include "mpc_pg.h"

int			mpc_guc_djn_table_cache_mb = 64;
int			mpc_guc_djn_window = DJN_DEFAULT_WINDOW_GMP;
int			mpc_guc_encryption_method = MPC_ENC_METHOD_DJN;
static bool use_avx512 = true;

#define DJN_CACHE_MAX_MB 1024
#define DJN_WINDOW_MAX 8

static const struct config_enum_entry enc_method_options[] = {
	{"djn", MPC_ENC_METHOD_DJN, false},
	{"textbook", MPC_ENC_METHOD_TEXTBOOK, false},
	{NULL, 0, false}
};

static void
assign_use_avx512(bool newval, void *extra)
{
	ifma_set_enabled(newval ? 1 : 0);
}

void
mpc_guc_init(void)
{
	DefineCustomBoolVariable("mpc_eigentrust.use_avx512",
							 "Use the AVX-512 IFMA products for modular exponentiation when the CPU has them.",
							 "Off runs GMP's portable constant-time code instead (the same results, slower). "
							 "Fixed-base tables already built keep the form they were built in.",
							 &use_avx512, true, PGC_USERSET, 0,
							 NULL, assign_use_avx512, NULL);
	DefineCustomIntVariable("mpc_eigentrust.djn_table_cache_mb",
							"Memory per backend for DJN encryption tables, in MiB.",
							"One table per public key, least recently used evicted first. "
							"0 disables the tables: DJN encryption then costs one "
							"exponentiation of about half the textbook cost. "
							"Only superusers can change this setting.",
							&mpc_guc_djn_table_cache_mb, 64, 0, DJN_CACHE_MAX_MB,
							PGC_SUSET, GUC_UNIT_MB, NULL, NULL, NULL);
	DefineCustomIntVariable("mpc_eigentrust.djn_window",
							"Window width in bits of the DJN encryption tables.",
							"Wider windows mean fewer multiplications but larger tables "
							"and a longer constant-time scan per lookup.  The default is 4 "
							"on CPUs with AVX-512 IFMA and 6 on others.",
							&mpc_guc_djn_window, DJN_DEFAULT_WINDOW, 1, DJN_WINDOW_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("mpc_eigentrust.encryption_method",
							 "How paillier_encrypt with a public key and paillier_rerandomize draw their randomness.",
							 "djn: hs^a with a fixed base derived from n (fast; DJN assumption). "
							 "textbook: r^n for a uniform unit r (DCR only).",
							 &mpc_guc_encryption_method, MPC_ENC_METHOD_DJN, enc_method_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	MarkGUCPrefixReserved("mpc_eigentrust");
}
