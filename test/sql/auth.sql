-- auth "iam" on a server without rds_iam: an error whose hint says what to
-- do, and nothing changes; auth "password" works on plain PostgreSQL.
\c - rdsadmin
ALTER ROLE rds_iam RENAME TO regress_rds_iam_away;
\c - postgres
SELECT app_setup_roles();
SELECT count(*) AS roles FROM pg_roles WHERE rolname IN ('app', 'migrator');
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'app';
\set VERBOSITY terse
SET client_min_messages = warning;
SELECT app_setup_roles(auth => 'password') IS NOT NULL AS setup;
RESET client_min_messages;
SELECT rolname, rolcanlogin FROM pg_roles
WHERE rolname IN ('app', 'migrator') ORDER BY rolname;
WITH r AS (SELECT app_check_roles(auth => 'password') AS j)
SELECT c->>'check' AS "check", c->>'ok' AS ok
FROM r, json_array_elements(r.j->'checks') c;
\c - rdsadmin
ALTER ROLE regress_rds_iam_away RENAME TO rds_iam;
\c - postgres
\i test/reset.psql
