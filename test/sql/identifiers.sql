\set VERBOSITY terse
-- Names that need quoting work end to end.
SET client_min_messages = warning;
SELECT app_setup_roles(app_user => 'app-user', migrator_user => 'Mig"rator',
	schema_name => 'Order', auth => 'password') IS NOT NULL AS setup;
RESET client_min_messages;
SELECT * FROM app_roles_plan(app_user => 'app-user', migrator_user => 'Mig"rator',
	schema_name => 'Order', auth => 'password');
SELECT app_check_roles(app_user => 'app-user', migrator_user => 'Mig"rator',
	schema_name => 'Order', auth => 'password')->'success' AS success;
SELECT nspacl FROM pg_namespace WHERE nspname = 'Order';
SELECT setconfig FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database());
\c - "Mig""rator"
CREATE TABLE "Order"."Line Items" (id serial, "select" text);
\c - app-user
INSERT INTO "Line Items" ("select") VALUES ('x');
SELECT * FROM "Order"."Line Items";
\c - postgres
SELECT app_check_roles(app_user => 'app-user', migrator_user => 'Mig"rator',
	schema_name => 'Order', auth => 'password')->'success' AS success;
\i test/reset.psql
-- a name of 63 bytes works; 64 bytes, or none, is refused and nothing changes
SET client_min_messages = warning;
SELECT app_setup_roles(app_user => repeat('a', 63), auth => 'password') IS NOT NULL AS setup;
RESET client_min_messages;
SELECT length(rolname) FROM pg_roles WHERE rolname LIKE 'aaa%';
SELECT app_check_roles(app_user => repeat('a', 63), auth => 'password')->'success' AS success;
\i test/reset.psql
\set VERBOSITY default
SELECT app_setup_roles(app_user => repeat('a', 64));
SELECT app_setup_roles(schema_name => repeat('é', 32));
SELECT app_setup_roles(migrator_user => '');
SELECT app_setup_roles(schema_name => 'pg_app');
SELECT app_setup_roles(app_user => 'public');
SELECT app_setup_roles(app_user => 'same', migrator_user => 'same');
SELECT app_setup_roles(app_user => NULL);
SELECT app_setup_roles(auth => 'md5');
SELECT app_setup_roles(superuser_extensions => '[]');
SELECT app_setup_roles(superuser_extensions => '{"hstore": "yes"}');
SELECT app_check_roles(app_user => repeat('a', 64));
SELECT * FROM app_roles_plan(app_user => repeat('a', 64));
-- nothing changed
SELECT count(*) AS roles FROM pg_roles WHERE rolname NOT LIKE 'pg\_%' AND rolname NOT LIKE 'rds%';
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%';
-- Names setup must never manage (issue 10 §4): refused before anything runs,
-- and nothing changes.  The fingerprint covers what setup could touch.
\c - rdsadmin
CREATE ROLE regress_super SUPERUSER;
CREATE ROLE regress_powers CREATEDB REPLICATION BYPASSRLS;
CREATE ROLE regress_manager CREATEROLE;
CREATE ROLE regress_ops;
GRANT rds_superuser TO regress_ops;
CREATE ROLE regress_admin_by_group LOGIN IN ROLE regress_ops;
\c - postgres
CREATE TEMP VIEW regress_fingerprint AS
SELECT md5(string_agg(x, ';' ORDER BY x)) AS fp FROM (
	SELECT format('%s %s %s %s %s', rolname, rolcanlogin, rolsuper, rolcreaterole, rolconfig) FROM pg_roles
	UNION ALL SELECT format('%s %s %s %s', roleid, member, grantor, admin_option) FROM pg_auth_members
	UNION ALL SELECT format('%s %s %s', nspname, nspowner, nspacl) FROM pg_namespace
	UNION ALL SELECT format('%s %s', datname, datacl) FROM pg_database
	UNION ALL SELECT format('%s %s %s', setdatabase, setrole, setconfig) FROM pg_db_role_setting) t(x);
SELECT fp AS before_fp FROM regress_fingerprint \gset
-- by name alone
SELECT app_setup_roles(app_user => 'rds_superuser');
SELECT app_setup_roles(migrator_user => 'rds_iam');
SELECT app_setup_roles(schema_name => 'public');
SELECT app_setup_roles(schema_name => 'information_schema');
SELECT app_setup_roles(schema_name => 'pg_catalog');
SELECT app_setup_roles(app_user => E'web\tapp');
SELECT app_setup_roles(migrator_user => E'mig\nrator');
SELECT app_setup_roles(app_user => ' app');
SELECT app_setup_roles(schema_name => 'app ');
SELECT app_setup_roles(superuser_extensions => '{"hstore\u001b": true}');
-- by what the catalog says of an existing role
SELECT app_setup_roles(app_user => 'postgres');
SELECT app_setup_roles(migrator_user => 'postgres', auth => 'password');
SELECT app_setup_roles(app_user => 'rdsadmin');
SELECT app_setup_roles(migrator_user => 'regress_super');
SELECT app_setup_roles(app_user => 'regress_powers');
SELECT app_setup_roles(app_user => 'regress_manager');
SELECT app_setup_roles(app_user => 'regress_ops');
SELECT app_setup_roles(migrator_user => 'regress_admin_by_group');
SELECT app_check_roles(app_user => 'postgres');
SELECT * FROM app_roles_plan(migrator_user => 'rdsadmin');
-- nothing changed
SELECT fp = :'before_fp' AS unchanged FROM regress_fingerprint;
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%';
-- an existing ordinary role is managed as before, and setup stays idempotent
\c - rdsadmin
CREATE ROLE regress_web;
\c - postgres
SET client_min_messages = warning;
SELECT app_setup_roles(app_user => 'regress_web') IS NOT NULL AS setup;
RESET client_min_messages;
SELECT count(*) AS statements FROM app_roles_plan(app_user => 'regress_web');
SELECT app_check_roles(app_user => 'regress_web')->'success' AS success;
\i test/reset.psql
