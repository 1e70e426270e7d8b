"""PostgreSQL: the embedded server, the connection pool with tenant-scoped transactions, migrations."""
