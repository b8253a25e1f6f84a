/*
 * errors.c: core failures as PostgreSQL ERRORs, and no private key in any
 * report.
 *
 * - mpc_sqlstate maps a core status to its SQLSTATE; mpc_raise raises it.
 *   CORE_CALL (mpc_pg.h) is the one loop that serves interrupts around core
 *   calls that poll them.
 * - PostgreSQL prints column values into some error reports through the
 *   types' output functions: "Failing row contains (...)" for NOT NULL and
 *   CHECK violations, "Key (...)=(...)" for unique and exclusion violations,
 *   partition and RLS errors.  For a paillier_privkey column that value is
 *   the secret ("sk1:<p>:<q>").  An emit_log_hook therefore replaces the
 *   base64url digits after every "sk1:" in a report's message, detail,
 *   hint and context, for the server log and the client alike, before the
 *   report leaves the backend (docs/design.md, "Secrets in error reports").
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/elog.h"

#include "mpc_pg.h"

int
mpc_sqlstate(mpc_status code)
{
	switch (code)
	{
		case MPC_ERR_ARG:
		case MPC_ERR_KEY:
		case MPC_ERR_CIPHERTEXT:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case MPC_ERR_FORMAT:
			return ERRCODE_INVALID_TEXT_REPRESENTATION;
		case MPC_ERR_BINARY:
			return ERRCODE_INVALID_BINARY_REPRESENTATION;
		case MPC_ERR_KEY_MISMATCH:
			return ERRCODE_DATA_EXCEPTION;
		case MPC_ERR_OVERFLOW:
			return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
		case MPC_ERR_RNG:
			return ERRCODE_SYSTEM_ERROR;
		case MPC_ERR_INTERRUPTED:
			return ERRCODE_QUERY_CANCELED;
		case MPC_ERR_NOMEM:
			return ERRCODE_OUT_OF_MEMORY;
		case MPC_ERR_INTERNAL:
		case MPC_OK:
			break;
	}
	return ERRCODE_INTERNAL_ERROR;
}

void
mpc_raise(const mpc_error *err, const char *what)
{
	if (err->code == MPC_ERR_INTERRUPTED)
	{
		/* Let PostgreSQL report the cancel or termination itself. */
		CHECK_FOR_INTERRUPTS();
	}
	ereport(ERROR,
			(errcode(mpc_sqlstate(err->code)),
			 errmsg("%s: %s", what,
					err->msg[0] ? err->msg : "operation failed")));
}

/*
 * Binary input: fail with 22P03 (invalid_binary_representation) when fewer
 * than len bytes are left, instead of pq_getmsg*'s protocol-level 08P01.
 */
void
mpc_recv_need(StringInfo buf, Size len, const char *type)
{
	if ((Size) (buf->len - buf->cursor) < len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type %s", type),
				 errdetail("The value is truncated: %zu more bytes expected, %d left.",
						   len, buf->len - buf->cursor)));
}

uint32
mpc_recv_len(StringInfo buf, uint32 max, const char *type, const char *what)
{
	uint32		len;

	mpc_recv_need(buf, 4, type);
	len = pq_getmsgint(buf, 4);
	if (len == 0 || len > max || len > (uint32) (buf->len - buf->cursor))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary value for type %s", type),
				 errdetail("Length of %s (%u) is out of range.", what, len)));
	return len;
}

/* ---- private keys out of error reports ---- */

#define PRIVKEY_TAG "sk1:"

static emit_log_hook_type prev_emit_log_hook = NULL;

static inline bool
is_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == ':';
}

/* Overwrite, in place, the key digits after each tag with '*'.  In place and
 * the same length: the string may not be ours to reallocate, and nothing
 * may fail here. */
static void
redact(char *s)
{
	char	   *p;

	if (s == NULL)
		return;
	for (p = strstr(s, PRIVKEY_TAG); p != NULL; p = strstr(p, PRIVKEY_TAG))
	{
		char	   *d = p + strlen(PRIVKEY_TAG);

		if (p > s && (isalnum((unsigned char) p[-1]) || p[-1] == '_'))
		{
			p = d;
			continue;
		}
		for (; is_key_char(*d); d++)
			*d = '*';
		p = d;
	}
}

static void
redact_privkeys(ErrorData *edata)
{
	redact(edata->message);
	redact(edata->detail);
	redact(edata->detail_log);
	redact(edata->hint);
	redact(edata->context);
	redact(edata->internalquery);
	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

void
mpc_errors_init(void)
{
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = redact_privkeys;
}

void
mpc_run_not_active(const char *fn, const char *run)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("%s: run \"%s\" is not active in this session", fn, run),
			 errdetail("A run lives in the session that started it and ends with its first error."),
			 errhint("Start a new run.")));
}
