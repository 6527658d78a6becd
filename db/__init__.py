"""Database layer: engine, sessions, models, migrations."""
