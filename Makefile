# mpc_eigentrust: PGXS build.
#
# The install script is assembled from src/sql/*.sql in name order, so each
# feature owns its own SQL file; regression suites are every sql/*.sql.

EXTENSION   = mpc_eigentrust
EXTVERSION  = 0.1.0

CORE_SRCS   = $(sort $(wildcard src/core/*.c))
PG_SRCS     = $(sort $(wildcard src/pg/*.c))
SQL_PARTS   = $(sort $(wildcard src/sql/*.sql))

MODULE_big  = $(EXTENSION)
OBJS        = $(CORE_SRCS:.c=.o) $(PG_SRCS:.c=.o)
DATA_built  = $(EXTENSION)--$(EXTVERSION).sql
REGRESS     = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Isrc/core -Isrc/pg -I$(includedir)
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare \
              -Wno-missing-field-initializers -Wno-cast-function-type
SHLIB_LINK  = -lgmp -lpq
EXTRA_CLEAN = test/build bench/build $(DATA_built)

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(DATA_built): $(SQL_PARTS)
	@{ echo "-- $(EXTENSION) $(EXTVERSION): generated from src/sql/*.sql, do not edit"; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	   for f in $(SQL_PARTS); do echo; echo "-- ---- $$f"; cat $$f; done; } > $@

# ---- core unit tests: pure C + GMP, no server, built with sanitizers ----
TEST_CC      ?= cc
TEST_CFLAGS  ?= -std=c11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
                -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_SRCS    = $(sort $(wildcard test/test_*.c))
TEST_BINS    = $(patsubst test/%.c,test/build/%,$(TEST_SRCS))

test/build/%: test/%.c $(CORE_SRCS) $(wildcard src/core/*.h) test/unit.h
	@mkdir -p test/build
	$(TEST_CC) $(TEST_CFLAGS) -D_GNU_SOURCE -Isrc/core -Itest -o $@ $< $(CORE_SRCS) -lgmp -lm

.PHONY: unittest bench
unittest: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; MPC_SHARED_DIR=$(abspath ../shared) $$t; done

# ---- benchmarks of the core (SQL-level benchmarks are scripts in bench/) ----
BENCH_SRCS   = $(sort $(wildcard bench/bench_*.c))
BENCH_BINS   = $(patsubst bench/%.c,bench/build/%,$(BENCH_SRCS))
bench/build/%: bench/%.c $(CORE_SRCS) $(wildcard src/core/*.h) bench/bench_common.h
	@mkdir -p bench/build
	$(TEST_CC) -std=c11 -O2 -g -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -Isrc/core -o $@ $< $(CORE_SRCS) -lgmp -lm
bench: $(BENCH_BINS)
