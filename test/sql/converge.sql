\set VERBOSITY terse
-- A second setup executes nothing: no statement, no NOTICE, no catalog row
-- touched (DESIGN §5), no transaction id, and the same report.
SELECT app_setup_roles() AS first \gset
\c - migrator
CREATE TABLE app.items (id serial PRIMARY KEY);
\c - rdsadmin
-- xmin of every row of the catalogs setup writes (pg_authid needs a superuser)
CREATE VIEW public.regress_catalog_xmin AS
SELECT 'pg_authid' AS catalog, md5(string_agg(oid || ':' || xmin, ',' ORDER BY oid)) AS fp FROM pg_authid
UNION ALL SELECT 'pg_auth_members', md5(string_agg(roleid || ':' || member || ':' || xmin, ',' ORDER BY roleid, member)) FROM pg_auth_members
UNION ALL SELECT 'pg_namespace', md5(string_agg(oid || ':' || xmin, ',' ORDER BY oid)) FROM pg_namespace
UNION ALL SELECT 'pg_class', md5(string_agg(oid || ':' || xmin, ',' ORDER BY oid)) FROM pg_class
UNION ALL SELECT 'pg_default_acl', md5(string_agg(oid || ':' || xmin, ',' ORDER BY oid)) FROM pg_default_acl
UNION ALL SELECT 'pg_database', md5(string_agg(oid || ':' || xmin, ',' ORDER BY oid)) FROM pg_database
UNION ALL SELECT 'pg_db_role_setting', md5(string_agg(setdatabase || ':' || setrole || ':' || xmin, ',' ORDER BY setdatabase, setrole)) FROM pg_db_role_setting
UNION ALL SELECT 'pg_extension', md5(string_agg(oid || ':' || xmin, ',' ORDER BY oid)) FROM pg_extension;
CREATE TABLE public.regress_xmin_before (catalog text, fp text);
INSERT INTO public.regress_xmin_before SELECT * FROM public.regress_catalog_xmin;
\c - postgres
SELECT count(*) AS statements FROM app_roles_plan();
BEGIN;
SELECT app_setup_roles()::text = :'first' AS same_report;
SELECT pg_current_xact_id_if_assigned() IS NULL AS no_xid;
COMMIT;
\c - rdsadmin
SELECT v.catalog, v.fp = b.fp AS unchanged
FROM public.regress_catalog_xmin v JOIN public.regress_xmin_before b USING (catalog)
ORDER BY v.catalog;
-- the fingerprint does see a change: a repair rewrites pg_namespace's row
\c - migrator
REVOKE USAGE ON SCHEMA app FROM app;
\c - postgres
SELECT app_setup_roles() IS NOT NULL AS repaired;
\c - rdsadmin
SELECT v.catalog, v.fp = b.fp AS unchanged
FROM public.regress_catalog_xmin v JOIN public.regress_xmin_before b USING (catalog)
WHERE v.catalog = 'pg_namespace';
-- A role-level search_path overrides the database's (issue 10 §4): migrator's
-- unqualified CREATE TABLE then misses the schema.  Check names it, setup
-- removes it, and a second setup again writes nothing.
\c - migrator
ALTER ROLE migrator IN DATABASE :"DBNAME" SET search_path TO public;
\c - migrator
CREATE TABLE unqualified (id int);
\c - postgres
ALTER ROLE app SET search_path TO "$user";
WITH r AS (SELECT app_check_roles() AS j)
SELECT c->>'check' AS "check", c->>'detail' AS detail
FROM r, json_array_elements(r.j->'checks') c WHERE c->>'ok' = 'false';
SELECT * FROM app_roles_plan();
SELECT app_setup_roles() IS NOT NULL AS repaired;
SELECT count(*) AS overrides FROM pg_db_role_setting
WHERE setrole IN ('app'::regrole, 'migrator'::regrole);
SELECT app_check_roles()->'success' AS success;
\c - migrator
CREATE TABLE unqualified (id int);
SELECT 'app.unqualified'::regclass;
\c - rdsadmin
DELETE FROM public.regress_xmin_before;
INSERT INTO public.regress_xmin_before SELECT * FROM public.regress_catalog_xmin;
\c - postgres
SELECT count(*) AS statements FROM app_roles_plan();
BEGIN;
SELECT app_setup_roles() IS NOT NULL AS setup;
SELECT pg_current_xact_id_if_assigned() IS NULL AS no_xid;
COMMIT;
\c - rdsadmin
SELECT v.catalog, v.fp = b.fp AS unchanged
FROM public.regress_catalog_xmin v JOIN public.regress_xmin_before b USING (catalog)
ORDER BY v.catalog;
\c - postgres
\i test/reset.psql
