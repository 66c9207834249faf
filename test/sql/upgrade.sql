\set VERBOSITY terse
-- From an installed 0.1 with roles set up: ALTER EXTENSION ... UPDATE keeps
-- the report byte for byte, then read-only users (0.2's argument) work.
DROP EXTENSION app_roles;
CREATE EXTENSION app_roles VERSION '0.1';
SET client_min_messages = warning;
SELECT app_setup_roles() IS NOT NULL AS set_up;
RESET client_min_messages;
-- an EXECUTE given to another role (by the functions' owner, the bootstrap
-- superuser: a trusted extension's objects are its) survives the update
\c - rdsadmin
CREATE ROLE regress_reader;
GRANT EXECUTE ON FUNCTION app_check_roles(text, text, text, text, jsonb, boolean) TO regress_reader;
\c - postgres
SELECT app_check_roles()::text AS before \gset
ALTER EXTENSION app_roles UPDATE TO '0.2';
SELECT extversion FROM pg_extension WHERE extname = 'app_roles';
SELECT proname, pg_get_function_identity_arguments(oid) AS arguments, proacl
FROM pg_proc WHERE proname IN ('app_setup_roles', 'app_check_roles', 'app_roles_plan')
ORDER BY proname;
SELECT app_check_roles()::text = :'before' AS same_report;
-- readonly_users is checked as app_user is
SELECT app_setup_roles(readonly_users => '{app}');
SELECT app_setup_roles(readonly_users => '{x,x}');
SELECT app_setup_roles(readonly_users => NULL);
SELECT app_setup_roles(readonly_users => '{NULL}');
SELECT app_setup_roles(readonly_users => '{pg_x}');
-- a read-only user: what setup would do, then setup converges
SELECT * FROM app_roles_plan(readonly_users => '{analyst}');
SET client_min_messages = warning;
SELECT app_setup_roles(readonly_users => '{analyst}') IS NOT NULL AS set_up;
RESET client_min_messages;
SELECT count(*) AS statements_left FROM app_roles_plan(readonly_users => '{analyst}');
WITH r AS (SELECT app_check_roles(readonly_users => '{analyst}') AS j)
SELECT c->>'check' AS "check", c->>'ok' AS ok, c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c WHERE c->>'check' IN ('readonly_users', 'behaviour');
-- migrator's new table: analyst reads it, is refused a write and CREATE
\c - migrator
CREATE TABLE app.reports (id serial, v text);
INSERT INTO app.reports (v) VALUES ('q');
\c - analyst
SELECT count(*) FROM app.reports;
INSERT INTO app.reports (v) VALUES ('no');
CREATE TABLE app.mine (id int);
-- one grant revoked, one too many: check names both with their fixes
\c - migrator
REVOKE SELECT ON app.reports FROM analyst;
GRANT UPDATE ON app.reports_id_seq TO analyst;
GRANT UPDATE ON app.reports TO analyst;
\c - postgres
WITH r AS (SELECT app_check_roles(readonly_users => '{analyst}') AS j)
SELECT c->>'ok' AS ok, c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c WHERE c->>'check' = 'readonly_users';
SELECT * FROM app_roles_plan(readonly_users => '{analyst}');
-- removed from the configuration: its grants revoked, the role kept
SELECT * FROM app_roles_plan();
SET client_min_messages = warning;
SELECT app_setup_roles() IS NOT NULL AS set_up;
RESET client_min_messages;
SELECT count(*) AS statements_left FROM app_roles_plan();
SELECT has_table_privilege('analyst', (SELECT oid FROM pg_class WHERE relname = 'reports'), 'SELECT') AS reads,
	has_database_privilege('analyst', current_database(), 'CONNECT') AS connects,
	shobj_description('analyst'::regrole, 'pg_authid') AS mark;
\i test/reset.psql
