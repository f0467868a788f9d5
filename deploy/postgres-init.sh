#!/bin/sh
# Run once by the postgres image when its data volume is new: the role the web and the timers connect as.
# The owner (POSTGRES_USER) runs cadreflow init-db, which grants this role what it needs and no more.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$CADREFLOW_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE cadreflow_app LOGIN PASSWORD :'app_password';
GRANT CONNECT ON DATABASE cadreflow TO cadreflow_app;
SQL
