"""Demo data drawn from the source articles in shared/seeds."""
