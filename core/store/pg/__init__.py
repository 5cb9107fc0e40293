"""The PostgreSQL store: the same store modules' SQL, adapted (docs/scale.md)."""
