"""Small programs for anyone, beside the product (they import nothing of it)."""
