"""The adoption ledger: which city adopted which practice of another, how, and how it went."""
