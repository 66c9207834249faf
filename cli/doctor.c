/*
 * cli/doctor.c
 *		The report of appdb doctor, and what its checks share.
 */
#include "doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <unistd.h>

#include <json-c/json.h>

#include "msgs.h"
#include "output.h"
#include "util.h"

void
doctor_init(struct doctor *d)
{
	d->checks = json_object_new_array();
	d->failed = 0;
}

bool
doctor_check(struct doctor *d, const char *check, bool ok, const char *fix,
			 const char *fmt,...)
{
	struct json_object *item = json_object_new_object();
	va_list		args;
	char	   *detail;

	va_start(args, fmt);
	detail = str_vprintf(fmt, args);
	va_end(args);
	json_object_object_add(item, "check", json_object_new_string(check));
	json_object_object_add(item, "ok", json_object_new_boolean(ok));
	json_object_object_add(item, "detail", json_object_new_string(detail));
	json_object_object_add(item, "fix", ok || fix == NULL ? NULL : json_object_new_string(fix));
	json_object_array_add(d->checks, item);
	free(detail);
	if (!ok)
		d->failed++;
	return ok;
}

bool
doctor_role_check(struct doctor *d, const char *user, const char *what, bool ok,
				  const char *fix, const char *detail)
{
	char	   *name = str_printf("%s: %s", user, what);

	doctor_check(d, name, ok, fix, "%s", detail);
	free(name);
	return ok;
}

void
doctor_free(struct doctor *d)
{
	json_object_put(d->checks);
	d->checks = NULL;
}

int
doctor_finish(struct doctor *d, enum appdb_output output)
{
	size_t		n = json_object_array_length(d->checks);
	size_t		i;

	if (output == OUTPUT_JSON)
	{
		struct json_object *root = json_object_new_object();

		json_object_object_add(root, "checks", json_object_get(d->checks));
		json_object_object_add(root, "ok", json_object_new_boolean(d->failed == 0));
		print_json(root);
	}
	else
	{
		for (i = 0; i < n; i++)
		{
			struct json_object *item = json_object_array_get_idx(d->checks, i);
			struct json_object *v;
			bool		ok;

			json_object_object_get_ex(item, "ok", &v);
			ok = json_object_get_boolean(v);
			json_object_object_get_ex(item, "check", &v);
			printf("  %s %-28s ", output_mark(ok), json_object_get_string(v));
			json_object_object_get_ex(item, "detail", &v);
			printf("%s\n", json_object_get_string(v));
			if (!ok && json_object_object_get_ex(item, "fix", &v) && v)
				printf("      fix: %s\n", json_object_get_string(v));
		}
		if (d->failed == 0)
			printf("\nAll %zu checks passed.\n", n);
		else
			printf("\n%d of %zu checks failed.\n", d->failed, n);
	}
	doctor_free(d);
	return d->failed == 0 ? EXIT_OK : EXIT_CHECK_FAILED;
}

int
doctor_roles(const struct appdb_options *opts, const char *app_user,
			 const char *migrator_user, const char *users[2])
{
	if (opts->role && strcmp(opts->role, "migrator") == 0)
	{
		users[0] = migrator_user;
		return 1;
	}
	/* a read-only user's name (appdb.c checked it against the config) */
	if (opts->role && strcmp(opts->role, "app") != 0)
	{
		users[0] = opts->role;
		return 1;
	}
	users[0] = app_user;
	if (opts->role)
		return 1;
	users[1] = migrator_user;
	return 2;
}

/* One address: connect without blocking, wait up to timeout_ms; 0 or an errno. */
static int
connect_one(const struct addrinfo *ai, int timeout_ms)
{
	int			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int			err = 0;
	socklen_t	len = sizeof(err);

	if (fd < 0)
		return errno;
	if (fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
		err = errno;
	else if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0)
	{
		struct pollfd p = {fd, POLLOUT, 0};

		if (errno != EINPROGRESS)
			err = errno;
		else if (poll(&p, 1, timeout_ms) <= 0)
			err = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
	}
	close(fd);
	return err;
}

bool
doctor_tcp_connect(const char *host, int port, int timeout_ms, char **why)
{
	struct addrinfo hints = {0};
	struct addrinfo *res = NULL;
	struct addrinfo *ai;
	char		service[16];
	int			rc;
	int			err = ENOENT;

	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%d", port);
	if ((rc = getaddrinfo(host, service, &hints, &res)) != 0)
	{
		*why = str_printf("cannot resolve %s: %s", host, gai_strerror(rc));
		return false;
	}
	for (ai = res; ai; ai = ai->ai_next)
		if ((err = connect_one(ai, timeout_ms)) == 0)
			break;
	freeaddrinfo(res);
	if (err == 0)
		return true;
	*why = err == ETIMEDOUT ?
		str_printf("no answer from %s port %d within %d s", host, port, timeout_ms / 1000) :
		str_printf("%s port %d: %s", host, port, strerror(err));
	return false;
}

char *
doctor_source_address(const char *host)
{
	struct addrinfo hints = {0};
	struct addrinfo *res = NULL;
	struct sockaddr_in local;
	socklen_t	len = sizeof(local);
	char		text[INET_ADDRSTRLEN];
	int			fd = -1;
	char	   *out = NULL;

	/* a UDP "connect" sends nothing: it only asks the kernel for the route */
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(host, "9", &hints, &res) != 0)
		return NULL;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0 &&
		connect(fd, res->ai_addr, res->ai_addrlen) == 0 &&
		getsockname(fd, (struct sockaddr *) &local, &len) == 0 &&
		inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text)) != NULL)
		out = xstrdup(text);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return out;
}

bool
doctor_address_in(const char *address, const char *cidr)
{
	struct in_addr addr;
	struct in_addr net;
	char		base[INET_ADDRSTRLEN];
	const char *slash = strchr(cidr, '/');
	char	   *end;
	long		bits;
	uint32_t	mask;

	if (slash == NULL || (size_t) (slash - cidr) >= sizeof(base))
		return false;
	memcpy(base, cidr, (size_t) (slash - cidr));
	base[slash - cidr] = '\0';
	bits = strtol(slash + 1, &end, 10);
	if (*end != '\0' || bits < 0 || bits > 32 ||
		inet_pton(AF_INET, address, &addr) != 1 || inet_pton(AF_INET, base, &net) != 1)
		return false;
	mask = bits == 0 ? 0 : htonl(~(uint32_t) 0 << (32 - bits));
	return (addr.s_addr & mask) == (net.s_addr & mask);
}
