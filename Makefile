# mpc_eigentrust: PGXS build.
#
# The install script is assembled from src/sql/*.sql in name order, so each
# feature owns its own SQL file; regression suites are every sql/*.sql.

EXTENSION   = mpc_eigentrust
# The version lives in the control file only; the C code and the tests get it
# from here.
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

CORE_SRCS   = $(sort $(wildcard src/core/*.c))
PG_SRCS     = $(sort $(wildcard src/pg/*.c))
SQL_PARTS   = $(sort $(wildcard src/sql/*.sql))

MODULE_big  = $(EXTENSION)
OBJS        = $(CORE_SRCS:.c=.o) $(PG_SRCS:.c=.o)
# The current version's install script is generated from src/sql/*.sql.
# Released versions' install and upgrade scripts are frozen files in
# releases/.  The upgrade from the last release to the version being
# developed is generated from src/sql/upgrade/<from>--<to>.sql (the DDL
# changes) plus every COMMENT ON of src/sql/*.sql (see CHANGELOG.md).
UPGRADE_SRC = $(wildcard src/sql/upgrade/*--$(EXTVERSION).sql)
UPGRADE_BUILT = $(patsubst src/sql/upgrade/%.sql,$(EXTENSION)--%.sql,$(UPGRADE_SRC))
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql $(UPGRADE_BUILT)
DATA        = $(sort $(wildcard releases/*.sql))
REGRESS     = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

# Warnings are errors only when asked (WERROR=1, as scripts/test.sh and CI
# do): another compiler or PostgreSQL version may warn where ours does not,
# and a user's plain `make` must still build.
WERROR     ?= 0
ifeq ($(WERROR),1)
WERROR_FLAG = -Werror
endif

PG_CPPFLAGS = -Isrc/core -Isrc/pg -I$(includedir) -DMPC_EXTVERSION='"$(EXTVERSION)"'
PG_CFLAGS   = -Wall -Wextra $(WERROR_FLAG) -Wno-unused-parameter -Wno-sign-compare \
              -Wno-missing-field-initializers -Wno-cast-function-type
SHLIB_LINK  = -lgmp -lpq -lsodium
EXTRA_CLEAN = test/build bench/build $(DATA_built)

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies (and its autodepend would mix up
# src/core/x.c and src/pg/x.c), so every object depends on every header: a
# header change rebuilds everything rather than leaving stale objects.
$(OBJS): $(wildcard src/core/*.h src/pg/*.h)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS)
	@{ echo "-- $(EXTENSION) $(EXTVERSION): generated from src/sql/*.sql, do not edit"; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	   for f in $(SQL_PARTS); do echo; echo "-- ---- $$f"; cat $$f; done; } > $@

# COMMENT ON statements end at a line ending in ';' outside a quoted string
# (counting quotes keeps '' escapes balanced).
# Its --@create / --@replace lines pull statements from src/sql/*.sql
# (src/sql/upgrade/expand.awk), so no definition is written twice.
$(UPGRADE_BUILT): $(EXTENSION)--%.sql: src/sql/upgrade/%.sql src/sql/upgrade/expand.awk $(SQL_PARTS)
	@set -e; { echo "-- $(EXTENSION) $*: generated from $< and src/sql/*.sql, do not edit"; \
	   printf '%s\n' '\echo Use "ALTER EXTENSION $(EXTENSION) UPDATE" to load this file. \quit'; \
	   awk -f src/sql/upgrade/expand.awk $(SQL_PARTS) $<; echo; echo "-- ---- every comment of the current sources"; \
	   awk '/^COMMENT ON /{on=1; q=0} on{print; q+=gsub(/\x27/,"&"); if (q%2==0 && /;[[:space:]]*$$/) on=0}' $(SQL_PARTS); } > $@.tmp; \
	mv $@.tmp $@

# ---- core unit tests: pure C + GMP, no server, built with sanitizers ----
TEST_CC      ?= cc
TEST_CFLAGS  ?= -std=c11 -O1 -g -Wall -Wextra $(WERROR_FLAG) -Wno-unused-parameter \
                -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_SRCS    = $(sort $(wildcard test/test_*.c))
TEST_BINS    = $(patsubst test/%.c,test/build/%,$(TEST_SRCS))

test/build/%: test/%.c $(CORE_SRCS) $(wildcard src/core/*.h) test/unit.h
	@mkdir -p test/build
	$(TEST_CC) $(TEST_CFLAGS) -D_GNU_SOURCE -DMPC_TEST_VECTORS='"$(abspath test/vectors)"' -Isrc/core -Itest -o $@ $< $(CORE_SRCS) -lgmp -lsodium -lm

.PHONY: unittest bench
unittest: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; MPC_SHARED_DIR=$(abspath ../shared) $$t; done

# ---- benchmarks of the core (SQL-level benchmarks are scripts in bench/) ----
BENCH_SRCS   = $(sort $(wildcard bench/bench_*.c))
BENCH_BINS   = $(patsubst bench/%.c,bench/build/%,$(BENCH_SRCS))
bench/build/%: bench/%.c $(CORE_SRCS) $(wildcard src/core/*.h) bench/bench_common.h
	@mkdir -p bench/build
	$(TEST_CC) -std=c11 -O2 -g -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -Isrc/core -o $@ $< $(CORE_SRCS) -lgmp -lsodium -lm
bench: $(BENCH_BINS)

# ---- constant-time check (ctgrind style): valgrind memcheck with the
# secrets marked undefined; see test/ctgrind/ct_check.c ----
CTGRIND_BIN = test/build/ct_check
$(CTGRIND_BIN): test/ctgrind/ct_check.c test/ctgrind/ifma_emul.h $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p test/build
	$(TEST_CC) -std=c11 -O1 -g -Wall -Wextra $(WERROR_FLAG) -Wno-unused-parameter -D_GNU_SOURCE \
		-DMPC_CTGRIND -DMPC_IFMA_EMULATE -Isrc/core -Itest/ctgrind -o $@ $< $(CORE_SRCS) -lgmp -lsodium -lm

CTGRIND_RUN = valgrind -q --tool=memcheck --error-exitcode=99 --track-origins=yes \
		--suppressions=test/ctgrind/gmp.supp $(CTGRIND_BIN)
.PHONY: ctgrind
ctgrind: $(CTGRIND_BIN)
	@echo "== ctgrind: a variable-time exponentiation must be reported"
	@$(CTGRIND_RUN) leak >/dev/null 2>&1; rc=$$?; if [ $$rc -ne 99 ]; then \
		echo "FAIL: valgrind did not report the negative control (exit $$rc)"; exit 1; fi
	@echo "== ctgrind: decryption, fixed-base exponentiation, IFMA ladder, multi-buffer IFMA, keygen Fermat test"
	$(CTGRIND_RUN)
