-- make installcheck: safe on any server the PG* variables point at.  Everything
-- happens in one transaction that is rolled back: the extension (when it was
-- not there), the roles and schema (regress_ names) and the database's settings.
\set VERBOSITY terse
BEGIN;
SET LOCAL client_min_messages = error;
CREATE EXTENSION IF NOT EXISTS app_roles;
\set cfg 'app_user => ''regress_app'', migrator_user => ''regress_migrator'', schema_name => ''regress_app'', auth => ''password'''
SELECT count(*) > 0 AS has_work FROM app_roles_plan(:cfg);
SELECT app_setup_roles(:cfg) IS NOT NULL AS set_up;
SELECT count(*) AS statements_left FROM app_roles_plan(:cfg);
SELECT c->>'check' AS "check", c->>'ok' AS ok
FROM json_array_elements(app_check_roles(:cfg)->'checks') c;
-- a broken fact: the check names it with the statement that fixes it ...
ALTER ROLE regress_app NOLOGIN;
SELECT c->>'check' AS "check", c->>'detail' AS detail
FROM json_array_elements(app_check_roles(:cfg)->'checks') c
WHERE NOT (c->>'ok')::boolean;
-- ... and setup repairs it
SELECT app_setup_roles(:cfg) IS NOT NULL AS set_up;
SELECT app_check_roles(:cfg)->'success' AS success;
-- pretty: the same document, its keys in the same order
SELECT app_check_roles(:cfg, pretty => true)::jsonb = app_check_roles(:cfg)::jsonb AS same_document,
	array(SELECT json_object_keys(app_check_roles(:cfg, pretty => true))) AS keys;
ROLLBACK;
SELECT count(*) AS left_behind FROM pg_roles WHERE rolname IN ('regress_app', 'regress_migrator');
