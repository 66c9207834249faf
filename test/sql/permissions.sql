\set VERBOSITY terse
-- A role without the rights gets PostgreSQL's permission error, and no
-- partial setup is left behind.
\c - rdsadmin
CREATE ROLE regress_nobody LOGIN;
CREATE ROLE regress_weak LOGIN;
GRANT EXECUTE ON FUNCTION app_setup_roles(text, text, text, text, jsonb, boolean, text[]) TO regress_weak;
GRANT EXECUTE ON FUNCTION app_check_roles(text, text, text, text, jsonb, boolean, text[]) TO regress_weak;
\c - regress_nobody
SELECT app_setup_roles();
SELECT app_check_roles();
\c - regress_weak
-- it gets as far as the first statement it lacks the right for
SELECT app_setup_roles();
\c - postgres
SELECT count(*) AS roles FROM pg_roles WHERE rolname IN ('app', 'migrator');
SELECT count(*) AS schemas FROM pg_namespace WHERE nspname = 'app';
SELECT setconfig FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database());
SELECT datacl FROM pg_database WHERE datname = current_database();
\i test/reset.psql
