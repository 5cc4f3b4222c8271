"""Create the PostgreSQL database that DATABASES names, if it does not exist yet.

`make prod` runs it before `migrate`, so the local production run needs nothing but a running
PostgreSQL. It connects to the server's maintenance database (``postgres``) with the same
credentials, and creates nothing else: no role, no extension.
"""

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg2 import sql


class Command(BaseCommand):
    help = "Create the (PostgreSQL) database of DATABASES if it is missing."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database: str, **options):
        settings_dict = connections[database].settings_dict
        if connections[database].vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: nothing to create.")
            return
        name = settings_dict["NAME"]
        parameters = {
            "dbname": "postgres",
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "host": settings_dict.get("HOST") or None,
            "port": settings_dict.get("PORT") or None,
            "connect_timeout": 5,
        }
        try:
            server = psycopg2.connect(**{k: v for k, v in parameters.items() if v is not None})
        except psycopg2.OperationalError as error:
            raise CommandError(f"PostgreSQL does not answer: {error}".strip()) from error
        server.autocommit = True  # CREATE DATABASE cannot run in a transaction
        try:
            with server.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(f"Created database {name}.")
        finally:
            server.close()
