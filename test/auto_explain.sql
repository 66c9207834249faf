-- test/auto_explain.sql: every statement's plan, with the rows each node
-- read, as a JSON notice (for test/plan_walk.py); run by a superuser, which
-- may load auto_explain, then as the master.
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_format = json;
SET auto_explain.log_level = notice;
SET ROLE postgres;
