/*
 * cli/aws_provider/steps_access.c
 *		provision's (and plan's) steps for who may do what: the service
 *		roles of enhanced monitoring and AWS Backup, and the IAM policies that
 *		let the app, the migrator and each read-only user connect
 *		(rds-db:connect).
 */
#include "aws_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "cli/aws/iam.h"
#include "cli/msgs.h"
#include "cli/util.h"

#define MONITORING_POLICY "arn:%s:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
#define BACKUP_POLICY "arn:%s:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"

/* An IAM role that service may assume, with one AWS-managed policy attached. */
static int
step_service_role(struct awsenv *e, const char *suffix, const char *service,
				  const char *policy_fmt, const char *purpose, char **arn_out)
{
	char	   *rname = resource_name(e, suffix);
	char	   *policy_arn = str_printf(policy_fmt, e->partition);
	char	   *trust = str_printf("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
								   "\"Principal\":{\"Service\":\"%s\"},\"Action\":\"sts:AssumeRole\"}]}",
								   service);
	struct aws_iam_role role;
	struct aws_iam_attached attached = {0};
	struct aws_error err;
	size_t		i;
	bool		is_attached = false;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_iam_get_role(e->client, rname, &role, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (!role.found)
	{
		say(e, "create", "IAM role %s for %s, with %s", rname, purpose, strrchr(policy_arn, '/') + 1);
		if (!e->apply)
			goto out;
		aws_iam_role_clean_up(&role);
		if (aws_iam_create_role(e->client, rname, NULL, trust, purpose, e->tags, 3, &role, &err) != AWS_OK)
			rc = exists_after_all(e, &err, "IAM role") ? STEP_AGAIN : aws_failed(&err);
		else if (aws_iam_attach_role_policy(e->client, rname, policy_arn, &err) != AWS_OK)
			rc = aws_failed(&err);
		else
			*arn_out = xstrdup(role.arn);
		goto out;
	}
	if (e->rereading && !is_ours(e, &role.tags))
	{
		rc = not_ours(e, "IAM role");
		goto out;
	}
	*arn_out = xstrdup(role.arn);
	if (aws_iam_list_attached_role_policies(e->client, rname, &attached, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	for (i = 0; i < attached.arns.n; i++)
		is_attached |= strcmp(attached.arns.v[i], policy_arn) == 0;
	if (is_attached)
		say(e, "leave", "IAM role %s", rname);
	else
	{
		say(e, "change", "IAM role %s: attach %s", rname, strrchr(policy_arn, '/') + 1);
		if (e->apply && aws_iam_attach_role_policy(e->client, rname, policy_arn, &err) != AWS_OK)
			rc = aws_failed(&err);
	}
out:
	aws_iam_attached_clean_up(&attached);
	aws_iam_role_clean_up(&role);
	free(trust);
	free(policy_arn);
	free(rname);
	return rc;
}

/* The policy document that lets an IAM principal connect as user. */
static char *
connect_policy(const struct awsenv *e, const char *user)
{
	json_object *doc = json_object_new_object();
	json_object *stmts = json_object_new_array();
	json_object *st = json_object_new_object();
	char	   *resource = str_printf("arn:%s:rds-db:%s:%s:dbuser:%s/%s", e->partition, e->cfg->region,
									  e->account, e->cluster.resource_id, user);
	char	   *text;

	json_object_object_add(st, "Effect", json_object_new_string("Allow"));
	json_object_object_add(st, "Action", json_object_new_string("rds-db:connect"));
	json_object_object_add(st, "Resource", json_object_new_string(resource));
	json_object_array_add(stmts, st);
	json_object_object_add(doc, "Version", json_object_new_string("2012-10-17"));
	json_object_object_add(doc, "Statement", stmts);
	text = xstrdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	free(resource);
	return text;
}

static bool
same_json(const char *a, const char *b)
{
	json_object *x = json_tokener_parse(a);
	json_object *y = json_tokener_parse(b);
	bool		same = x && y && json_object_equal(x, y);

	json_object_put(x);
	json_object_put(y);
	return same;
}

/* NAME-<role>-access: rds-db:connect as that database user, on this cluster only. */
static int
step_connect_policy(struct awsenv *e, const char *role, const char *user)
{
	char	   *pname = connect_policy_name(e, role);
	char	   *arn = connect_policy_arn(e, role);
	char	   *doc = NULL;
	char	   *current = NULL;
	struct aws_iam_policy p;
	struct aws_error err;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_iam_get_policy(e->client, arn, &p, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (e->cluster.resource_id == NULL)
	{
		/* plan before the cluster exists: its resource id is not known yet */
		say(e, p.found ? "change" : "create", "IAM policy %s: rds-db:connect as \"%s\" on the new cluster",
			pname, user);
		goto out;
	}
	doc = connect_policy(e, user);
	if (!p.found)
	{
		struct aws_iam_policy made;

		say(e, "create", "IAM policy %s: rds-db:connect as \"%s\" on cluster %s (%s)", pname, user,
			e->name, e->cluster.resource_id);
		if (e->apply)
		{
			if (aws_iam_create_policy(e->client, pname, NULL, doc,
									  "appdb: connect to the Aurora cluster with IAM authentication",
									  e->tags, 3, &made, &err) != AWS_OK)
				rc = exists_after_all(e, &err, "IAM policy") ? STEP_AGAIN : aws_failed(&err);
			else
				aws_iam_policy_clean_up(&made);
		}
		goto out;
	}
	if (aws_iam_get_policy_version(e->client, arn, p.default_version_id, &current, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (same_json(current, doc))
	{
		say(e, "leave", "IAM policy %s", pname);
		goto out;
	}
	say(e, "change", "IAM policy %s: a new version allowing rds-db:connect as \"%s\" on cluster %s (%s)",
		pname, user, e->name, e->cluster.resource_id);
	if (e->apply)
	{
		struct aws_iam_policy_versions versions = {0};
		char	   *new_version = NULL;
		size_t		i;

		/* IAM keeps five versions: make room by deleting the oldest non-default one */
		if (aws_iam_list_policy_versions(e->client, arn, &versions, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (versions.ids.n >= 5)
		{
			for (i = versions.ids.n; i-- > 0;)
				if (!versions.is_default[i])
				{
					if (aws_iam_delete_policy_version(e->client, arn, versions.ids.v[i], NULL, &err) != AWS_OK)
						rc = aws_failed(&err);
					break;
				}
		}
		if (rc < 0 && aws_iam_create_policy_version(e->client, arn, doc, true, &new_version, &err) != AWS_OK)
			rc = aws_failed(&err);
		free(new_version);
		aws_iam_policy_versions_clean_up(&versions);
	}
out:
	aws_iam_policy_clean_up(&p);
	free(current);
	free(doc);
	free(arn);
	free(pname);
	return rc;
}

/*
 * Whose connect policies there are: app, migrator, then each read-only user
 * (kind "readonly-USER": a read-only user may be named like another kind).
 */
size_t
connect_whos(const struct awsenv *e, struct connect_who **out)
{
	const struct env_config *c = e->cfg;
	size_t		n = 2 + strv_len(c->readonly_users);
	struct connect_who *w = xmalloc(sizeof(*w) * n);
	size_t		i;

	w[0] = (struct connect_who) {xstrdup("app"), c->app_user, NULL, "app_access_role_names"};
	w[1] = (struct connect_who) {xstrdup("migrator"), c->migrator_user, NULL, "migrator_access_role_names"};
	for (i = 0; c->app_access_role_names && c->app_access_role_names[i]; i++)
		strv_add(&w[0].roles, c->app_access_role_names[i]);
	for (i = 0; c->migrator_access_role_names && c->migrator_access_role_names[i]; i++)
		strv_add(&w[1].roles, c->migrator_access_role_names[i]);
	for (i = 2; i < n; i++)
		w[i] = (struct connect_who) {readonly_kind(c->readonly_users[i - 2]), c->readonly_users[i - 2],
			env_readonly_access_roles(c, c->readonly_users[i - 2]), "readonly_access_role_names"};
	*out = w;
	return n;
}

void
connect_whos_free(struct connect_who *w, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		free(w[i].kind);
		strv_free(&w[i].roles);
	}
	free(w);
}

/*
 * The attachments of the connect policies to the roles the config names.
 * IAM marks no attachment with who made it, so appdb records each one it
 * makes (or takes over: a named role found attached) as a tag on its own
 * policy, ATTACHED_TAG_PREFIX + the role's name.  A role no longer named
 * is detached only when that tag says appdb attached it; an attachment
 * made outside appdb is left as it is, and appdb never detaches a policy
 * it did not create.
 */
#define ATTACHED_TAG_PREFIX "appdb:attached-role:"

/* A role's tag key: ',' (allowed in role names, not in tag keys) as '/' (never in role names). */
static char *
attached_tag(const char *role)
{
	char	   *key = str_printf(ATTACHED_TAG_PREFIX "%s", role);
	char	   *p;

	for (p = key; *p; p++)
		if (*p == ',')
			*p = '/';
	return key;
}

/* Is role (IAM role names are case-insensitive) in the list? */
static bool
has_role(char *const *names, size_t n, const char *role)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], role) == 0)
			return true;
	return false;
}

/* Every named role exists: checked before provision changes anything. */
int
step_access_roles(struct awsenv *e)
{
	struct connect_who *whos;
	size_t		nwhos = connect_whos(e, &whos);
	struct aws_error err;
	size_t		w,
				i;
	int			rc = EXIT_GO_ON;

	aws_error_init(&err);
	for (w = 0; rc == EXIT_GO_ON && w < nwhos; w++)
	{
		char	  **names = whos[w].roles;

		for (i = 0; rc == EXIT_GO_ON && names && names[i]; i++)
		{
			struct aws_iam_role role;
			bool		found;

			if (aws_iam_get_role(e->client, names[i], &role, &err) != AWS_OK)
			{
				rc = aws_failed(&err);
				break;
			}
			found = role.found;
			aws_iam_role_clean_up(&role);
			if (!found)
			{
				errorf("IAM role \"%s\" (key \"%s\" in %s) does not exist; nothing changed",
					   names[i], whos[w].key, e->cfg->path);
				hintf("create the role first (the service's or the migrator's task role), or remove its name");
				rc = EXIT_USAGE;
			}
		}
	}
	connect_whos_free(whos, nwhos);
	return rc;
}

/* The tag recording role, as stored (IAM role names are case-insensitive), or NULL. */
static const char *
recorded_key(const struct aws_tag_list *tags, const char *role)
{
	char	   *key = attached_tag(role);
	const char *found = NULL;
	size_t		i;

	for (i = 0; found == NULL && i < tags->keys.n; i++)
		if (strcasecmp(tags->keys.v[i], key) == 0)
			found = tags->keys.v[i];
	free(key);
	return found;
}

/* Record role as an attachment appdb made (tag its policy); -1 or the exit code. */
static int
record_attachment(struct awsenv *e, const char *arn, const char *role)
{
	char	   *key = attached_tag(role);
	const struct aws_tag tag = {key, "appdb"};
	struct aws_error err;
	enum aws_status st;

	aws_error_init(&err);
	st = aws_iam_tag_policy(e->client, arn, &tag, 1, &err);
	free(key);
	return st == AWS_OK ? -1 : aws_failed(&err);
}

/* Forget a record (the tag key as stored); -1 or the exit code. */
static int
forget_attachment(struct awsenv *e, const char *arn, const char *key)
{
	struct aws_error err;

	aws_error_init(&err);
	if (aws_iam_untag_policy(e->client, arn, &key, 1, &err) != AWS_OK)
		return aws_failed(&err);
	return -1;
}

/* Attach who's connect policy to the named roles; detach it from the roles appdb attached before. */
static int
step_attachments(struct awsenv *e, const char *who, char **named)
{
	size_t		nnamed = strv_len(named);
	char	   *pname = connect_policy_name(e, who);
	char	   *arn = connect_policy_arn(e, who);
	struct aws_iam_policy p;
	struct aws_iam_policy_roles roles = {0};
	struct aws_tag_list tags = {0};
	struct aws_error err;
	size_t		i;
	int			rc = -1;

	aws_error_init(&err);
	if (aws_iam_get_policy(e->client, arn, &p, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	if (!p.found)
	{
		/* plan: the policy is made by an earlier step */
		for (i = 0; i < nnamed; i++)
			say(e, "attach", "IAM policy %s to role %s", pname, named[i]);
		goto out;
	}
	if (aws_iam_list_policy_roles(e->client, arn, &roles, &err) != AWS_OK ||
		aws_iam_list_policy_tags(e->client, arn, &tags, &err) != AWS_OK)
	{
		rc = aws_failed(&err);
		goto out;
	}
	for (i = 0; rc < 0 && i < nnamed; i++)
	{
		bool		recorded = recorded_key(&tags, named[i]) != NULL;

		if (!has_role(roles.names.v, roles.names.n, named[i]))
		{
			say(e, "attach", "IAM policy %s to role %s", pname, named[i]);
			if (e->apply && aws_iam_attach_role_policy(e->client, named[i], arn, &err) != AWS_OK)
				rc = aws_failed(&err);
			else if (e->apply && !recorded)
				rc = record_attachment(e, arn, named[i]);
		}
		else if (!recorded)
		{
			say(e, "change", "IAM policy %s: attached to role %s before, now appdb's (detached when the name is removed)",
				pname, named[i]);
			if (e->apply)
				rc = record_attachment(e, arn, named[i]);
		}
		else
			say(e, "leave", "IAM policy %s attached to role %s", pname, named[i]);
	}
	for (i = 0; rc < 0 && i < roles.names.n; i++)
	{
		const char *role = roles.names.v[i];
		const char *key = recorded_key(&tags, role);

		if (has_role(named, nnamed, role))
			;
		else if (key == NULL)
			say(e, "leave", "IAM policy %s attached to role %s (not by appdb: left as it is)", pname, role);
		else
		{
			say(e, "detach", "IAM policy %s from role %s (no longer named in %s)", pname, role, e->cfg->path);
			if (e->apply && aws_iam_detach_role_policy(e->client, role, arn, NULL, &err) != AWS_OK)
				rc = aws_failed(&err);
			else if (e->apply)
				rc = forget_attachment(e, arn, key);
		}
	}
	/* records of roles detached outside appdb (or deleted) */
	for (i = 0; rc < 0 && i < tags.keys.n; i++)
	{
		const char *key = tags.keys.v[i];
		size_t		j;
		bool		live = false;

		if (strncmp(key, ATTACHED_TAG_PREFIX, strlen(ATTACHED_TAG_PREFIX)) != 0)
			continue;
		for (j = 0; !live && j < nnamed + roles.names.n; j++)
			live = recorded_key(&tags, j < nnamed ? named[j] : roles.names.v[j - nnamed]) == key;
		if (live)
			continue;
		say(e, "change", "IAM policy %s: forget role %s (detached outside appdb)", pname,
			key + strlen(ATTACHED_TAG_PREFIX));
		if (e->apply)
			rc = forget_attachment(e, arn, key);
	}
out:
	aws_tag_list_clean_up(&tags);
	aws_iam_policy_roles_clean_up(&roles);
	aws_iam_policy_clean_up(&p);
	free(arn);
	free(pname);
	return rc;
}

/*
 * The read-only users of appdb's NAME-readonly-USER-access policies (its
 * tags say appdb made them for this environment), configured or not.
 */
int
readonly_policies(struct awsenv *e, struct aws_strings *users)
{
	struct aws_strings names = {0};
	struct aws_error err;
	char	   *prefix = str_printf("%s-readonly-", e->name);
	const char *suffix = "-access";
	size_t		plen = strlen(prefix);
	size_t		i;
	int			rc = EXIT_GO_ON;

	memset(users, 0, sizeof(*users));
	aws_error_init(&err);
	if (aws_iam_list_local_policies(e->client, &names, &err) != AWS_OK)
		rc = aws_failed(&err);
	for (i = 0; rc == EXIT_GO_ON && i < names.n; i++)
	{
		const char *pn = names.v[i];
		size_t		n = strlen(pn);
		char	   *user;
		char	   *kind;
		char	   *arn;
		struct aws_tag_list tags = {0};

		if (n <= plen + strlen(suffix) || strncmp(pn, prefix, plen) != 0 ||
			strcmp(pn + n - strlen(suffix), suffix) != 0)
			continue;
		user = str_printf("%.*s", (int) (n - plen - strlen(suffix)), pn + plen);
		kind = readonly_kind(user);
		arn = connect_policy_arn(e, kind);
		if (aws_iam_list_policy_tags(e->client, arn, &tags, &err) != AWS_OK)
			rc = aws_failed(&err);
		else if (is_ours(e, &tags))
			aws_strings_add(users, xstrdup(user));
		aws_tag_list_clean_up(&tags);
		free(arn);
		free(kind);
		free(user);
	}
	aws_strings_clean_up(&names);
	free(prefix);
	return rc;
}

/*
 * The policies of read-only users no longer in readonly_users: deleted,
 * with the attachments appdb made; one attached by someone else is left.
 */
static int
step_removed_readonly(struct awsenv *e)
{
	struct aws_strings users;
	size_t		i,
				j;
	int			rc = readonly_policies(e, &users);

	for (i = 0; rc == EXIT_GO_ON && i < users.n; i++)
	{
		char	   *kind = readonly_kind(users.v[i]);
		char	   *pname = connect_policy_name(e, kind);
		char	   *arn = connect_policy_arn(e, kind);
		struct aws_iam_policy_roles roles = {0};
		struct aws_tag_list tags = {0};
		struct aws_error err;
		const char *foreign = NULL;
		bool		named = false;

		aws_error_init(&err);
		for (j = 0; e->cfg->readonly_users && e->cfg->readonly_users[j]; j++)
			named |= strcmp(e->cfg->readonly_users[j], users.v[i]) == 0;
		if (named)
			;
		else if (aws_iam_list_policy_roles(e->client, arn, &roles, &err) != AWS_OK ||
				 aws_iam_list_policy_tags(e->client, arn, &tags, &err) != AWS_OK)
			rc = aws_failed(&err);
		else
		{
			for (j = 0; foreign == NULL && j < roles.names.n; j++)
				if (recorded_key(&tags, roles.names.v[j]) == NULL)
					foreign = roles.names.v[j];
			if (foreign)
				say(e, "leave", "IAM policy %s of read-only user \"%s\", no longer in readonly_users: attached to role %s not by appdb (detach it, and provision deletes the policy)",
					pname, users.v[i], foreign);
			else
			{
				say(e, "delete", "IAM policy %s (read-only user \"%s\" no longer in readonly_users)%s",
					pname, users.v[i], roles.names.n > 0 ? ", detached from the roles appdb attached it to" : "");
				if (e->apply)
					rc = destroy_connect_policy(e, kind);
			}
		}
		aws_tag_list_clean_up(&tags);
		aws_iam_policy_roles_clean_up(&roles);
		free(arn);
		free(pname);
		free(kind);
	}
	aws_strings_clean_up(&users);
	return rc;
}

/* Run a step for each who; a create that found its policy there is run again, as provision_steps does. */
static int
each_who(struct awsenv *e, bool attachments)
{
	struct connect_who *whos;
	size_t		nwhos = connect_whos(e, &whos);
	size_t		w;
	int			rc = -1;

	for (w = 0; rc < 0 && w < nwhos; w++)
	{
		int			again = e->rereading;

		while ((rc = attachments ? step_attachments(e, whos[w].kind, whos[w].roles) :
				step_connect_policy(e, whos[w].kind, whos[w].user)) == STEP_AGAIN)
			e->rereading++;
		e->rereading = again;
	}
	connect_whos_free(whos, nwhos);
	return rc < 0 ? EXIT_GO_ON : rc;
}

int
step_connect_policies(struct awsenv *e)
{
	int			rc = each_who(e, false);

	return rc == EXIT_GO_ON ? step_removed_readonly(e) : rc;
}

int
step_connect_attachments(struct awsenv *e)
{
	return each_who(e, true);
}

int
step_monitoring_role(struct awsenv *e)
{
	return step_service_role(e, "-database-monitoring", "monitoring.rds.amazonaws.com",
							 MONITORING_POLICY, "RDS enhanced monitoring", &e->monitoring_role_arn);
}

int
step_backup_role(struct awsenv *e)
{
	return step_service_role(e, "-database-backup", "backup.amazonaws.com",
							 BACKUP_POLICY, "AWS Backup of the cluster", &e->backup_role_arn);
}
