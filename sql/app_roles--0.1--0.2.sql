/* sql/app_roles--0.1--0.2.sql */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION app_roles UPDATE TO '0.2'" to load this file. \quit

-- 0.2 adds readonly_users to each function; a new argument is a new
-- function: the 0.2 ones are made beside the 0.1 ones, take over the EXECUTE
-- grants given to other roles, and the 0.1 ones go (a caller passing no
-- read-only users sees no difference).

-- setup: converge roles, memberships and privileges; return the report
CREATE FUNCTION app_setup_roles(
	app_user text DEFAULT 'app',
	migrator_user text DEFAULT 'migrator',
	schema_name text DEFAULT 'app',
	auth text DEFAULT 'iam',
	superuser_extensions jsonb DEFAULT '{}',
	pretty boolean DEFAULT false,
	readonly_users text[] DEFAULT '{}')
RETURNS json
AS 'MODULE_PATHNAME', 'app_setup_roles'
LANGUAGE C VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

-- check: the report, every check, and success; changes nothing
CREATE FUNCTION app_check_roles(
	app_user text DEFAULT 'app',
	migrator_user text DEFAULT 'migrator',
	schema_name text DEFAULT 'app',
	auth text DEFAULT 'iam',
	superuser_extensions jsonb DEFAULT '{}',
	pretty boolean DEFAULT false,
	readonly_users text[] DEFAULT '{}')
RETURNS json
AS 'MODULE_PATHNAME', 'app_check_roles'
LANGUAGE C VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

-- plan: the statements setup would execute now (a dry run)
CREATE FUNCTION app_roles_plan(
	app_user text DEFAULT 'app',
	migrator_user text DEFAULT 'migrator',
	schema_name text DEFAULT 'app',
	auth text DEFAULT 'iam',
	superuser_extensions jsonb DEFAULT '{}',
	readonly_users text[] DEFAULT '{}')
RETURNS SETOF text
AS 'MODULE_PATHNAME', 'app_roles_plan'
LANGUAGE C VOLATILE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp;

COMMENT ON FUNCTION app_setup_roles(text, text, text, text, jsonb, boolean, text[]) IS
'create and grant what the app and migrator roles need; returns the report as JSON (pretty: indented, keys in the same order)';
COMMENT ON FUNCTION app_check_roles(text, text, text, text, jsonb, boolean, text[]) IS
'check roles, memberships and privileges; returns the report with checks and success (pretty: indented)';
COMMENT ON FUNCTION app_roles_plan(text, text, text, text, jsonb, text[]) IS
'the statements app_setup_roles would execute now, one a row';

-- They create roles and change privileges: only the installer calls them,
-- and whom it grants EXECUTE to.
REVOKE ALL ON FUNCTION app_setup_roles(text, text, text, text, jsonb, boolean, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_check_roles(text, text, text, text, jsonb, boolean, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION app_roles_plan(text, text, text, text, jsonb, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_setup_roles(text, text, text, text, jsonb, boolean, text[]) TO @extowner@;
GRANT EXECUTE ON FUNCTION app_check_roles(text, text, text, text, jsonb, boolean, text[]) TO @extowner@;
GRANT EXECUTE ON FUNCTION app_roles_plan(text, text, text, text, jsonb, text[]) TO @extowner@;

DO $$
DECLARE
	g record;
BEGIN
	FOR g IN
		SELECT f.new, e.grantee::pg_catalog.regrole AS grantee
		FROM (VALUES
			('app_setup_roles(text, text, text, text, jsonb, boolean)',
			 'app_setup_roles(text, text, text, text, jsonb, boolean, text[])'),
			('app_check_roles(text, text, text, text, jsonb, boolean)',
			 'app_check_roles(text, text, text, text, jsonb, boolean, text[])'),
			('app_roles_plan(text, text, text, text, jsonb)',
			 'app_roles_plan(text, text, text, text, jsonb, text[])')) f(old, new),
			pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) e
		WHERE p.oid = ('pg_catalog.' || f.old)::pg_catalog.regprocedure
		AND e.privilege_type = 'EXECUTE' AND e.grantee <> 0 AND e.grantee <> p.proowner
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION pg_catalog.%s TO %s', g.new, g.grantee);
	END LOOP;
END
$$;

DROP FUNCTION app_setup_roles(text, text, text, text, jsonb, boolean);
DROP FUNCTION app_check_roles(text, text, text, text, jsonb, boolean);
DROP FUNCTION app_roles_plan(text, text, text, text, jsonb);
