# app_roles (PostgreSQL extension, PGXS) and appdb (command-line program)

EXTENSION = app_roles
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

CORE_SRCS = $(wildcard core/*.c)
CORE_OBJS = $(CORE_SRCS:.c=.o)

MODULE_big = app_roles
OBJS = extension/app_roles.o extension/spi_exec.o $(CORE_OBJS)
DATA = sql/app_roles--0.1.sql
REGRESS = init setup converge breakage identifiers auth permissions
PG_CPPFLAGS = -I. -DAPP_ROLES_VERSION='"$(EXTVERSION)"' -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror
SHLIB_LINK = -ljson-c

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

.PHONY: test demo bench

# Every suite; the last line is "N passed, N failed".  The test server loads
# the extension from PostgreSQL's own directories, hence the install.
test: install
	@test/run_all.sh

demo: install
	@test/demo.sh

bench: install
	@test/bench/run.sh
