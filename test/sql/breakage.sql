\set VERBOSITY terse
-- Each way of breaking the setup is found by check, named in its detail, and
-- (but for a table another role owns) repaired by the next setup.
-- a database from before this tool: the master made the schema and a table
CREATE SCHEMA app;
CREATE TABLE app.by_master (id int);
SET client_min_messages = warning;
SELECT app_setup_roles() IS NOT NULL AS setup;
RESET client_min_messages;
SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'app';
\c - migrator
CREATE TABLE app.orders (id serial PRIMARY KEY, item text);
CREATE TABLE app.invoices (id int);
\c - rdsadmin
CREATE ROLE regress_other;
GRANT CREATE, USAGE ON SCHEMA app TO regress_other;
SET ROLE regress_other;
CREATE TABLE app.foreign_owned (id int);
RESET ROLE;
\c - postgres
-- the breakages: by the migrator ...
\c - migrator
REVOKE SELECT ON app.invoices FROM app;
REVOKE USAGE ON SCHEMA app FROM app;
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE ALL ON TABLES FROM app;
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE ALL ON SEQUENCES FROM app;
-- ... and by the master
\c - postgres
GRANT CREATE ON SCHEMA public TO PUBLIC;
REVOKE rds_iam FROM app;
-- a superuser extension configured but missing
\set exts '{"hstore": true}'
WITH r AS (SELECT app_check_roles(superuser_extensions => :'exts') AS j)
SELECT c->>'check' AS "check", c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c WHERE c->>'ok' = 'false';
SELECT app_check_roles(superuser_extensions => :'exts')->'success' AS success;
-- setup repairs what it may
SELECT * FROM app_roles_plan(superuser_extensions => :'exts');
SELECT app_setup_roles(superuser_extensions => :'exts') IS NOT NULL AS repaired;
SELECT extname, extnamespace::regnamespace FROM pg_extension WHERE extname = 'hstore';
-- only the tables another role owns are still named, with the fix
WITH r AS (SELECT app_check_roles(superuser_extensions => :'exts') AS j)
SELECT c->>'check' AS "check", c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c WHERE c->>'ok' = 'false';
-- someone runs those statements; then everything holds
\c - rdsadmin
ALTER TABLE app.foreign_owned OWNER TO migrator;
ALTER TABLE app.by_master OWNER TO migrator;
\c - postgres
SELECT * FROM app_roles_plan(superuser_extensions => :'exts');
SELECT app_setup_roles(superuser_extensions => :'exts') IS NOT NULL AS setup;
SELECT app_check_roles(superuser_extensions => :'exts')->'success' AS success;
-- false removes a superuser extension
SELECT * FROM app_roles_plan(superuser_extensions => '{"hstore": false}');
SELECT app_setup_roles(superuser_extensions => '{"hstore": false}') IS NOT NULL AS setup;
SELECT count(*) AS hstore_installed FROM pg_extension WHERE extname = 'hstore';
-- sequences alone: the probe's serial makes app's INSERT call nextval
\c - migrator
ALTER DEFAULT PRIVILEGES IN SCHEMA app REVOKE ALL ON SEQUENCES FROM app;
\c - postgres
WITH r AS (SELECT app_check_roles() AS j)
SELECT c->>'check' AS "check", c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c WHERE c->>'ok' = 'false';
SELECT app_setup_roles() IS NOT NULL AS setup;
SELECT app_check_roles()->'success' AS success;
\i test/reset.psql
