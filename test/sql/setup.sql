\set VERBOSITY terse
-- A fresh database: what setup would do, then setup as the master.
SELECT * FROM app_roles_plan();
SELECT app_setup_roles();
-- check: success, every check listed
WITH r AS (SELECT app_check_roles() AS j)
SELECT c->>'check' AS "check", c->>'ok' AS ok, c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c;
SELECT app_check_roles()->'success' AS success;
-- pretty: indented for psql, the same document, its keys in the same order
SELECT app_setup_roles(pretty => true);
SELECT app_check_roles(pretty => true)::jsonb = app_check_roles()::jsonb AS same_document,
	array(SELECT json_object_keys(app_check_roles(pretty => true))) AS keys;
-- the ACLs DESIGN §5 promises
SELECT nspname, nspowner::regrole, nspacl FROM pg_namespace WHERE nspname = 'app';
SELECT defaclrole::regrole, defaclobjtype, defaclacl FROM pg_default_acl ORDER BY defaclobjtype;
SELECT rolname, rolcanlogin, pg_has_role(rolname, 'rds_iam', 'MEMBER') AS rds_iam
FROM pg_roles WHERE rolname IN ('app', 'migrator') ORDER BY rolname;
-- nothing is left of the master's temporary membership in migrator
SELECT pg_has_role('postgres', 'migrator', 'MEMBER') AS master_in_migrator;
-- the migrator's migration creates a table and a sequence, with no
-- ALTER DEFAULT PRIVILEGES of its own ...
\c - migrator
CREATE TABLE app.orders (id serial PRIMARY KEY, item text);
CREATE SEQUENCE app.invoice_no;
-- ... and app can use both
\c - app
INSERT INTO app.orders (item) VALUES ('book') RETURNING id;
UPDATE app.orders SET item = 'pen' RETURNING *;
SELECT * FROM app.orders;
DELETE FROM app.orders;
SELECT nextval('app.invoice_no'), setval('app.invoice_no', 10);
\c - postgres
SELECT app_check_roles()->'success' AS success;
SELECT count(*) AS statements_left FROM app_roles_plan();
\i test/reset.psql
