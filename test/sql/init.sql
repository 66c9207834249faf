\set VERBOSITY terse
-- The master (not a superuser) installs the trusted extension itself.
SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION app_roles;
SELECT extname, extversion, extnamespace::regnamespace FROM pg_extension WHERE extname = 'app_roles';
-- SECURITY INVOKER, search_path pinned, EXECUTE for the installer only
SELECT proname, prosecdef, proconfig, proacl
FROM pg_proc WHERE proname IN ('app_setup_roles', 'app_check_roles', 'app_roles_plan')
ORDER BY proname;
