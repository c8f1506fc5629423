"""Running as several instances: shared uploads, shared throttles, background work from anywhere."""
