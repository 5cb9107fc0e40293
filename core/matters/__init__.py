"""Matters (办件, SPEC 6c): the catalogue, the lifecycle, due dates, ratings and their export."""
