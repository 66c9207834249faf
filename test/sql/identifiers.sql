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
