# app_roles (PostgreSQL extension, PGXS) and appdb (command-line program)

EXTENSION = app_roles
# this Makefile's folder: the infra-* targets may run from another (-f)
HERE := $(dir $(lastword $(MAKEFILE_LIST)))
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(HERE)$(EXTENSION).control)

CORE_SRCS = $(wildcard core/*.c)
CORE_OBJS = $(CORE_SRCS:.c=.o)

MODULE_big = app_roles
OBJS = extension/app_roles.o extension/spi_exec.o $(CORE_OBJS)
DATA = sql/app_roles--0.1.sql sql/app_roles--0.2.sql sql/app_roles--0.1--0.2.sql
# make installcheck: test/sql/installcheck.sql, safe on any server the PG*
# variables point at (one transaction, rolled back), in the database
# PGDATABASE names; --use-existing: pg_regress neither creates a database nor
# sets lc_messages, which a non-superuser (Aurora's master) may not.
REGRESS = installcheck
REGRESS_OPTS = --inputdir=test --use-existing
# test/run_regress.sh: every case, on a throwaway Aurora-like cluster
REGRESS_HARNESS = init setup converge breakage identifiers auth permissions installcheck upgrade
PG_CPPFLAGS = -I. -DAPP_ROLES_VERSION='"$(EXTVERSION)"' -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Werror
SHLIB_LINK = -ljson-c

# what "make clean" removes besides PGXS's own (set before the include)
EXTRA_CLEAN = build build/appdb.1 build/appdb.bash-completion core/libappdb_core.a core/libappdb_core_asan.a appdb appdb-aws \
	test/appdb-asan test/appdb-asan-aws test/core/test_core test/core/test_core_asan \
	test/cli/test_cli test/cli/test_cli_asan cli/aws/*.o cli/aws/*.a \
	test/aws/test_rdsdata_exec test/aws/test_rdsdata_exec_asan

# PostgreSQL's build files (PGXS) come with postgresql-server-dev-15: without
# them only the steps that install it, and demo and test that begin with
# them, can run.
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else ifneq ($(filter-out deps deps-test demo test bench,$(or $(MAKECMDGOALS),all)),)
$(error $(PG_CONFIG) finds no PostgreSQL build files (PGXS): run "make deps" (as root it installs the packages))
endif

CONTRIB_TESTDB = '$(or $(PGDATABASE),postgres)'

# PGXS knows no header dependencies: an object built against an older
# core/*.h would be linked into the extension with the wrong struct layout.
$(OBJS): $(wildcard core/*.h extension/*.h)

.PHONY: deps deps-test test demo bench

# What demo, and test, need (test/deps.sh): as root, the missing Debian
# packages are installed; otherwise the command is printed and make stops.
deps:
	@test/deps.sh demo
deps-test:
	@test/deps.sh test

# Both install (make install needs root, checked first), from a second make:
# the first may have started before the deps step installed PGXS.
can-install = @PG_CONFIG='$(PG_CONFIG)' BINDIR='$(bindir_appdb)' test/deps.sh can-install

# Every suite; the last line is "N passed, N failed".  The test server loads
# the extension from PostgreSQL's own directories, hence the install.
test: deps-test
	$(can-install)
	@$(MAKE) --no-print-directory install test/appdb-asan
	@test/run_all.sh

demo: deps
	$(can-install)
	@$(MAKE) --no-print-directory install
	@test/demo.sh

# the benchmarks run what the tests run: the same set-up first
bench: deps-test
	$(can-install)
	@$(MAKE) --no-print-directory install
	@test/bench/appdb.sh
	@test/bench/token.sh
	@test/bench/provision.sh
	@test/bench/scale.sh
	@test/bench/plans.sh

# appdb, the command-line program: core + cli over libpq and json-c (its
# --version is the control file's, hence that prerequisite).  Its
# AWS commands live in appdb-aws (cli/aws/, over libcurl, libxml2 and
# libcrypto), which appdb runs for them, so the local provider does not load
# those libraries.  The AWS client is a static library that includes nothing
# of cli/ or core/ (test/layering.sh); appdb links only its util.o, the
# helpers cli/util.c builds on.
XML2_CFLAGS := $(shell xml2-config --cflags 2>/dev/null)
CLI_SRCS = $(filter-out cli/main.c cli/cmd_token.c cli/aws_report.c cli/rdsdata_exec.c,$(wildcard cli/*.c cli/local/*.c))
CLI_AWS_SRCS = cli/cmd_token.c $(wildcard cli/aws_provider/*.c) cli/aws_report.c cli/rdsdata_exec.c
CLI_HDRS = $(wildcard cli/*.h cli/local/*.h cli/aws/*.h cli/aws_provider/*.h)
APPDB_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -I$(shell $(PG_CONFIG) --includedir) \
	$(XML2_CFLAGS) -DAPP_ROLES_VERSION='"$(EXTVERSION)"' $(APPDB_EXTRA_CFLAGS)
APPDB_LIBS = -L$(shell $(PG_CONFIG) --libdir) -lpq -ljson-c -lcrypto
APPDB_AWS_LIBS = $(APPDB_LIBS) -lcurl -lxml2
ASAN_FLAGS = -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# The AWS client, three ways: plain, with ASan+UBSan (the tests), and
# instrumented for libFuzzer (the fuzz targets).
AWS_SRCS = $(wildcard cli/aws/*.c)
AWS_HDRS = $(wildcard cli/aws/*.h)
AWS_LIB = cli/aws/libappdb_aws.a
AWS_LIB_ASAN = cli/aws/libappdb_aws_asan.a
AWS_LIB_FUZZ = cli/aws/libappdb_aws_fuzz.a
AWS_LIB_CFLAGS = -std=gnu11 -g -Wall -Wextra -Werror $(XML2_CFLAGS)
cli/aws/%.o: cli/aws/%.c $(AWS_HDRS)
	$(CC) $(AWS_LIB_CFLAGS) -O2 -c -o $@ $<
cli/aws/%.asan.o: cli/aws/%.c $(AWS_HDRS)
	$(CC) $(AWS_LIB_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<
cli/aws/%.fuzz.o: cli/aws/%.c $(AWS_HDRS)
	clang $(AWS_LIB_CFLAGS) -O1 -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
$(AWS_LIB): $(AWS_SRCS:.c=.o)
	rm -f $@ && ar rcs $@ $^
$(AWS_LIB_ASAN): $(AWS_SRCS:.c=.asan.o)
	rm -f $@ && ar rcs $@ $^
$(AWS_LIB_FUZZ): $(AWS_SRCS:.c=.fuzz.o)
	rm -f $@ && ar rcs $@ $^

appdb: cli/main.c $(EXTENSION).control $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) $(AWS_LIB) appdb-aws
	$(CC) $(APPDB_CFLAGS) -DAPPDB_WITHOUT_AWS -o $@ cli/main.c $(CLI_SRCS) $(CORE_SRCS) $(AWS_LIB) $(APPDB_LIBS)
appdb-aws: cli/main.c $(EXTENSION).control $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) $(AWS_LIB)
	$(CC) $(APPDB_CFLAGS) -o $@ cli/main.c $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(AWS_LIB) $(APPDB_AWS_LIBS)

# The man page and the bash completion: appdb prints them from the table
# that makes its parser and --help (cli/options.c).
APPDB_DOCS = build/appdb.1 build/appdb.bash-completion
build/appdb.1: appdb
	@mkdir -p $(@D)
	./appdb --generate=man >$@.tmp && mv $@.tmp $@
build/appdb.bash-completion: appdb
	@mkdir -p $(@D)
	./appdb --generate=bash-completion >$@.tmp && mv $@.tmp $@

all: appdb $(APPDB_DOCS)

install: install-appdb
install-appdb: appdb $(APPDB_DOCS)
	install -D -m 755 appdb $(DESTDIR)$(bindir_appdb)/appdb
	install -D -m 755 appdb-aws $(DESTDIR)$(bindir_appdb)/appdb-aws
	install -D -m 644 build/appdb.1 $(DESTDIR)$(mandir_appdb)/man1/appdb.1
	install -D -m 644 build/appdb.bash-completion $(DESTDIR)$(completionsdir_appdb)/appdb
bindir_appdb ?= /usr/local/bin
mandir_appdb ?= /usr/local/share/man
completionsdir_appdb ?= /usr/local/share/bash-completion/completions

# The targets of template-infra, for its users' habits.
APPDB ?= ./appdb
infra-args = $(if $(APP_NAME),,$(error APP_NAME is required))$(if $(ENVIRONMENT),,$(error ENVIRONMENT is required))--app $(APP_NAME) --env $(ENVIRONMENT)

.PHONY: infra-configure-app-database infra-update-app-database infra-update-app-database-roles infra-check-app-database-roles
infra-configure-app-database: $(APPDB)
	$(APPDB) configure $(infra-args)$(if $(PROVIDER), --provider $(PROVIDER))
infra-update-app-database: $(APPDB)
	$(APPDB) provision $(infra-args)
infra-update-app-database-roles: $(APPDB)
	$(APPDB) roles setup $(infra-args)
# logs in as app and migrator too where the database can be reached from here
infra-check-app-database-roles: $(APPDB)
	$(APPDB) roles check $(infra-args) --login-if-reachable

# The core as a static library for appdb's side, built with its flags
# (build/, apart from PGXS's core/*.o of the extension), plain and with
# ASan+UBSan; the core's unit tests link it.
CORE_HDRS = $(wildcard core/*.h)
CORE_LIB_OBJS = $(CORE_SRCS:core/%.c=build/core/%.o)
CORE_LIB_ASAN_OBJS = $(CORE_SRCS:core/%.c=build/core-asan/%.o)
build/core/%.o: core/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(APPDB_CFLAGS) -c -o $@ $<
build/core-asan/%.o: core/%.c $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<
core/libappdb_core.a: $(CORE_LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^
core/libappdb_core_asan.a: $(CORE_LIB_ASAN_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

# The core's unit tests (test/core/, one file per module; run_all.sh runs
# them plain, under ASan+UBSan and under valgrind).
CORE_TEST_SRCS = $(wildcard test/core/*.c)
CORE_TEST_HDRS = $(wildcard test/core/*.h) test/unit.h $(CORE_HDRS)
CORE_TEST_CFLAGS = -std=c11 -g -Wall -Wextra -Werror -I.
SANITIZE_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
test/core/test_core: $(CORE_TEST_SRCS) $(CORE_TEST_HDRS) core/libappdb_core.a
	$(CC) $(CORE_TEST_CFLAGS) -o $@ $(CORE_TEST_SRCS) core/libappdb_core.a -ljson-c
test/core/test_core_asan: $(CORE_TEST_SRCS) $(CORE_TEST_HDRS) core/libappdb_core_asan.a
	$(CC) $(CORE_TEST_CFLAGS) $(SANITIZE_FLAGS) -o $@ $(CORE_TEST_SRCS) core/libappdb_core_asan.a -ljson-c

# The CLI's unit tests (test/cli/) link appdb's own objects without its AWS
# side and without main, as curl's tests/tunit link the tool's; run_all.sh
# runs them plain and under ASan+UBSan.
CLI_UNIT_OBJS = $(CLI_SRCS:cli/%.c=build/cli/%.o)
CLI_UNIT_ASAN_OBJS = $(CLI_SRCS:cli/%.c=build/cli-asan/%.o)
build/cli/%.o: cli/%.c $(CLI_HDRS) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(APPDB_CFLAGS) -DAPPDB_WITHOUT_AWS -c -o $@ $<
build/cli-asan/%.o: cli/%.c $(CLI_HDRS) $(CORE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -DAPPDB_WITHOUT_AWS -c -o $@ $<
CLI_UNIT_SRCS = $(wildcard test/cli/*.c)
CLI_UNIT_HDRS = $(wildcard test/cli/*.h) test/unit.h $(CLI_HDRS)
test/cli/test_cli: $(CLI_UNIT_SRCS) $(CLI_UNIT_HDRS) $(CLI_UNIT_OBJS) core/libappdb_core.a $(AWS_LIB)
	$(CC) $(APPDB_CFLAGS) -o $@ $(CLI_UNIT_SRCS) $(CLI_UNIT_OBJS) core/libappdb_core.a $(AWS_LIB) $(APPDB_LIBS)
test/cli/test_cli_asan: $(CLI_UNIT_SRCS) $(CLI_UNIT_HDRS) $(CLI_UNIT_ASAN_OBJS) core/libappdb_core_asan.a $(AWS_LIB_ASAN)
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -o $@ $(CLI_UNIT_SRCS) $(CLI_UNIT_ASAN_OBJS) core/libappdb_core_asan.a $(AWS_LIB_ASAN) $(APPDB_LIBS)

# appdb with AddressSanitizer and UBSan, for the CLI tests.
test/appdb-asan: cli/main.c $(EXTENSION).control $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) $(AWS_LIB_ASAN) test/appdb-asan-aws
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -DAPPDB_WITHOUT_AWS -o $@ cli/main.c $(CLI_SRCS) $(CORE_SRCS) $(AWS_LIB_ASAN) $(APPDB_LIBS)
test/appdb-asan-aws: cli/main.c $(EXTENSION).control $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) $(AWS_LIB_ASAN)
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -o $@ cli/main.c $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(AWS_LIB_ASAN) $(APPDB_AWS_LIBS)

# The SigV4 unit tests (AWS's suite, test/aws/sigv4.sh runs them), plain and
# with AddressSanitizer and UBSan.
SIGV4_TEST_CFLAGS = -std=gnu11 -g -Wall -Wextra -Werror -I.
test/aws/test_sigv4: test/aws/test_sigv4.c test/unit.h $(AWS_LIB)
	$(CC) $(SIGV4_TEST_CFLAGS) -O1 -o $@ $< $(AWS_LIB) -ljson-c -lcrypto
test/aws/test_sigv4_asan: test/aws/test_sigv4.c test/unit.h $(AWS_LIB_ASAN)
	$(CC) $(SIGV4_TEST_CFLAGS) $(ASAN_FLAGS) -o $@ $< $(AWS_LIB_ASAN) -ljson-c -lcrypto

# The AWS request path and service calls against the moto test bed
# (test/aws/run_request.sh, run_services.sh): the library alone, which
# proves it reaches nothing of cli/ or core/.  Each is its main file
# (test/aws/test_NAME.c) and the parts in test/aws/NAME/.
AWS_TEST_CFLAGS = -std=gnu11 -g -O1 -Wall -Wextra -Werror -I. $(XML2_CFLAGS)
AWS_TEST_LIBS = -lcurl -lxml2 -ljson-c -lcrypto
AWS_LIB_TESTS = test/aws/test_request test/aws/test_services
$(AWS_LIB_TESTS): %: %.c test/unit.h $(AWS_LIB)
	$(CC) $(AWS_TEST_CFLAGS) -o $@ $(filter %.c,$^) $(AWS_LIB) $(AWS_TEST_LIBS)
$(AWS_LIB_TESTS:=_asan): %_asan: %.c test/unit.h $(AWS_LIB_ASAN)
	$(CC) $(AWS_TEST_CFLAGS) $(ASAN_FLAGS) -o $@ $(filter %.c,$^) $(AWS_LIB_ASAN) $(AWS_TEST_LIBS)
test/aws/test_request test/aws/test_request_asan: $(wildcard test/aws/request/*.[ch]) test/aws/proxy_control.c test/aws/proxy_control.h
test/aws/test_services test/aws/test_services_asan: $(wildcard test/aws/services/*.[ch]) test/aws/proxy_control.c test/aws/proxy_control.h

# The core over the Data API (test/aws/run_rdsdata_exec.sh): the executor
# with the core and the AWS client, as libraries.
RDSDATA_TEST_SRCS = test/aws/test_rdsdata_exec.c cli/rdsdata_exec.c cli/msgs.c cli/util.c
test/aws/test_rdsdata_exec: $(RDSDATA_TEST_SRCS) $(CLI_HDRS) test/unit.h core/libappdb_core.a $(AWS_LIB)
	$(CC) $(AWS_TEST_CFLAGS) -o $@ $(RDSDATA_TEST_SRCS) core/libappdb_core.a $(AWS_LIB) $(AWS_TEST_LIBS)
test/aws/test_rdsdata_exec_asan: $(RDSDATA_TEST_SRCS) $(CLI_HDRS) test/unit.h core/libappdb_core_asan.a $(AWS_LIB_ASAN)
	$(CC) $(AWS_TEST_CFLAGS) $(ASAN_FLAGS) -o $@ $(RDSDATA_TEST_SRCS) core/libappdb_core_asan.a $(AWS_LIB_ASAN) $(AWS_TEST_LIBS)

# The fuzz targets (libFuzzer): the AWS client's parsers, then the core's
# and the CLI's.
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -I. $(XML2_CFLAGS)
test/aws/fuzz_%: test/aws/fuzz_%.c $(AWS_LIB_FUZZ)
	clang $(FUZZ_CFLAGS) -o $@ $< $(AWS_LIB_FUZZ) $(AWS_TEST_LIBS)
test/fuzz/fuzz_roles_config: test/fuzz/fuzz_roles_config.c $(CORE_SRCS) cli/util.c cli/msgs.c $(wildcard core/*.h) $(AWS_LIB_FUZZ)
	clang $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) cli/util.c cli/msgs.c $(AWS_LIB_FUZZ) -ljson-c
test/fuzz/fuzz_envconfig: test/fuzz/fuzz_envconfig.c $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) $(AWS_LIB_FUZZ)
	clang $(FUZZ_CFLAGS) -I$(shell $(PG_CONFIG) --includedir) -DAPPDB_WITHOUT_AWS \
		-o $@ $< $(CLI_SRCS) $(CORE_SRCS) $(AWS_LIB_FUZZ) $(APPDB_LIBS)
test/fuzz/fuzz_local_state: test/fuzz/fuzz_local_state.c $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) $(AWS_LIB_FUZZ)
	clang $(FUZZ_CFLAGS) -I$(shell $(PG_CONFIG) --includedir) -DAPPDB_WITHOUT_AWS \
		-o $@ $< $(CLI_SRCS) $(CORE_SRCS) $(AWS_LIB_FUZZ) $(APPDB_LIBS)
test/fuzz/fuzz_rdsdata_answer: test/fuzz/fuzz_rdsdata_answer.c cli/rdsdata_exec.c cli/util.c cli/msgs.c $(CORE_SRCS) $(CLI_HDRS) $(AWS_LIB_FUZZ)
	clang $(FUZZ_CFLAGS) -o $@ $< cli/rdsdata_exec.c cli/util.c cli/msgs.c \
		$(CORE_SRCS) $(AWS_LIB_FUZZ) $(AWS_TEST_LIBS)
