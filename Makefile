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

# PGXS knows no header dependencies: an object built against an older
# core/*.h would be linked into the extension with the wrong struct layout.
$(OBJS): $(wildcard core/*.h extension/*.h)

.PHONY: test demo bench

# Every suite; the last line is "N passed, N failed".  The test server loads
# the extension from PostgreSQL's own directories, hence the install.
test: install test/appdb-asan
	@test/run_all.sh

demo: install
	@test/demo.sh

bench: install
	@test/bench/run.sh
	@test/bench/appdb.sh
	@test/bench/token.sh
	@test/bench/provision.sh

# appdb, the command-line program: core + cli over libpq and json-c.  Its
# AWS commands live in appdb-aws (cli/aws/, over libcurl, libxml2 and
# libcrypto), which appdb runs for them, so the local provider does not load
# those libraries.
XML2_CFLAGS := $(shell xml2-config --cflags)
CLI_SRCS = $(filter-out cli/main.c cli/cmd_token.c cli/aws_provider.c cli/rdsdata_exec.c,$(wildcard cli/*.c))
CLI_AWS_SRCS = cli/cmd_token.c cli/aws_provider.c cli/rdsdata_exec.c $(wildcard cli/aws/*.c)
CLI_HDRS = $(wildcard cli/*.h cli/aws/*.h)
APPDB_CFLAGS = -std=gnu11 -O2 -g -Wall -Wextra -Werror -I. -I$(shell $(PG_CONFIG) --includedir) \
	$(XML2_CFLAGS) -DAPP_ROLES_VERSION='"$(EXTVERSION)"' $(APPDB_EXTRA_CFLAGS)
APPDB_LIBS = -L$(shell $(PG_CONFIG) --libdir) -lpq -ljson-c
APPDB_AWS_LIBS = $(APPDB_LIBS) -lcurl -lxml2 -lcrypto
ASAN_FLAGS = -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

appdb: cli/main.c $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) appdb-aws
	$(CC) $(APPDB_CFLAGS) -DAPPDB_WITHOUT_AWS -o $@ cli/main.c $(CLI_SRCS) $(CORE_SRCS) $(APPDB_LIBS)
appdb-aws: cli/main.c $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h)
	$(CC) $(APPDB_CFLAGS) -o $@ cli/main.c $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(APPDB_AWS_LIBS)

all: appdb

install: install-appdb
install-appdb: appdb
	install -D -m 755 appdb $(DESTDIR)$(bindir_appdb)/appdb
	install -D -m 755 appdb-aws $(DESTDIR)$(bindir_appdb)/appdb-aws
bindir_appdb ?= /usr/local/bin

# The targets of template-infra, for its users' habits.
APPDB ?= ./appdb
infra-args = $(if $(APP_NAME),,$(error APP_NAME is required))$(if $(ENVIRONMENT),,$(error ENVIRONMENT is required))--app $(APP_NAME) --env $(ENVIRONMENT)

.PHONY: infra-configure-app-database infra-update-app-database infra-update-app-database-roles infra-check-app-database-roles
infra-configure-app-database: appdb
	$(APPDB) configure $(infra-args)$(if $(PROVIDER), --provider $(PROVIDER))
infra-update-app-database: appdb
	$(APPDB) provision $(infra-args)
infra-update-app-database-roles: appdb
	$(APPDB) roles setup $(infra-args)
infra-check-app-database-roles: appdb
	$(APPDB) roles check $(infra-args)

# appdb with AddressSanitizer and UBSan, for the CLI tests.
test/appdb-asan: cli/main.c $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h) test/appdb-asan-aws
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -DAPPDB_WITHOUT_AWS -o $@ cli/main.c $(CLI_SRCS) $(CORE_SRCS) $(APPDB_LIBS)
test/appdb-asan-aws: cli/main.c $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h)
	$(CC) $(APPDB_CFLAGS) $(ASAN_FLAGS) -o $@ cli/main.c $(CLI_SRCS) $(CLI_AWS_SRCS) $(CORE_SRCS) $(APPDB_AWS_LIBS)

# The SigV4 unit tests (AWS's suite, test/aws/sigv4.sh runs them), plain and
# with AddressSanitizer and UBSan.
SIGV4_TEST_SRCS = test/aws/test_sigv4.c cli/aws/sigv4.c cli/aws/token.c
SIGV4_TEST_CFLAGS = -std=gnu11 -g -Wall -Wextra -Werror -I.
test/aws/test_sigv4: $(SIGV4_TEST_SRCS) cli/aws/sigv4.h cli/aws/token.h cli/aws/credentials.h
	$(CC) $(SIGV4_TEST_CFLAGS) -O1 -o $@ $(SIGV4_TEST_SRCS) -ljson-c -lcrypto
test/aws/test_sigv4_asan: $(SIGV4_TEST_SRCS) cli/aws/sigv4.h cli/aws/token.h cli/aws/credentials.h
	$(CC) $(SIGV4_TEST_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o $@ $(SIGV4_TEST_SRCS) -ljson-c -lcrypto

# The AWS request path against the moto test bed (test/aws/run_request.sh),
# and the fuzz targets of its response parsers (libFuzzer).
AWS_TEST_CFLAGS = -std=gnu11 -g -O1 -Wall -Wextra -Werror -I. $(XML2_CFLAGS)
AWS_TEST_LIBS = -lcurl -lxml2 -ljson-c -lcrypto
AWS_REQUEST_SRCS = test/aws/test_request.c cli/aws/http.c cli/aws/retry.c cli/aws/request.c \
	cli/aws/response.c cli/aws/sts.c cli/aws/sigv4.c cli/msgs.c cli/util.c
AWS_HDRS = $(wildcard cli/aws/*.h) cli/msgs.h cli/util.h
test/aws/test_request: $(AWS_REQUEST_SRCS) $(AWS_HDRS)
	$(CC) $(AWS_TEST_CFLAGS) -o $@ $(AWS_REQUEST_SRCS) $(AWS_TEST_LIBS)
test/aws/test_request_asan: $(AWS_REQUEST_SRCS) $(AWS_HDRS)
	$(CC) $(AWS_TEST_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o $@ $(AWS_REQUEST_SRCS) $(AWS_TEST_LIBS)
AWS_SERVICES_SRCS = test/aws/test_services.c cli/aws/http.c cli/aws/retry.c cli/aws/request.c \
	cli/aws/response.c cli/aws/sts.c cli/aws/sigv4.c cli/aws/rds.c cli/aws/iam.c cli/aws/ec2.c \
	cli/aws/kms.c cli/aws/secretsmanager.c cli/aws/backup.c cli/aws/rdsdata.c cli/aws/svc.c cli/msgs.c cli/util.c
test/aws/test_services: $(AWS_SERVICES_SRCS) $(AWS_HDRS)
	$(CC) $(AWS_TEST_CFLAGS) -o $@ $(AWS_SERVICES_SRCS) $(AWS_TEST_LIBS)
test/aws/test_services_asan: $(AWS_SERVICES_SRCS) $(AWS_HDRS)
	$(CC) $(AWS_TEST_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o $@ $(AWS_SERVICES_SRCS) $(AWS_TEST_LIBS)
FUZZ_SRCS = cli/aws/response.c cli/aws/http.c cli/aws/sigv4.c cli/util.c cli/msgs.c
test/aws/fuzz_profile: test/aws/fuzz_profile.c cli/aws/profile.c cli/util.c cli/msgs.c $(AWS_HDRS)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -o $@ $< cli/aws/profile.c cli/util.c cli/msgs.c
# the AWS client with the CLI's helpers it needs (not the Data API executor, which needs the core)
CREDENTIALS_FUZZ_SRCS = $(wildcard cli/aws/*.c) cli/util.c cli/msgs.c core/mem.c
test/aws/fuzz_credential_process: test/aws/fuzz_credential_process.c $(CREDENTIALS_FUZZ_SRCS) $(AWS_HDRS)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. $(XML2_CFLAGS) -o $@ $< $(CREDENTIALS_FUZZ_SRCS) $(AWS_TEST_LIBS)
test/fuzz/fuzz_roles_config: test/fuzz/fuzz_roles_config.c $(CORE_SRCS) cli/util.c cli/msgs.c $(wildcard core/*.h)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -o $@ $< $(CORE_SRCS) cli/util.c cli/msgs.c -ljson-c
test/fuzz/fuzz_envconfig: test/fuzz/fuzz_envconfig.c $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -I$(shell $(PG_CONFIG) --includedir) -DAPPDB_WITHOUT_AWS \
		-o $@ $< $(CLI_SRCS) $(CORE_SRCS) $(APPDB_LIBS)
test/fuzz/fuzz_local_state: test/fuzz/fuzz_local_state.c $(CLI_SRCS) $(CORE_SRCS) $(CLI_HDRS) $(wildcard core/*.h)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -I$(shell $(PG_CONFIG) --includedir) -DAPPDB_WITHOUT_AWS \
		-o $@ $< $(filter-out cli/local.c,$(CLI_SRCS)) $(CORE_SRCS) $(APPDB_LIBS)
test/fuzz/fuzz_rdsdata_answer: test/fuzz/fuzz_rdsdata_answer.c $(CREDENTIALS_FUZZ_SRCS) cli/rdsdata_exec.c $(CORE_SRCS) $(AWS_HDRS)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. $(XML2_CFLAGS) -o $@ $< \
		$(CREDENTIALS_FUZZ_SRCS) cli/rdsdata_exec.c $(filter-out core/mem.c,$(CORE_SRCS)) $(AWS_TEST_LIBS)
test/aws/fuzz_%_error: test/aws/fuzz_%_error.c $(FUZZ_SRCS) $(AWS_HDRS)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -I. $(XML2_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(AWS_TEST_LIBS)
