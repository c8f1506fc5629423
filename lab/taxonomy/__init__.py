"""The shared taxonomy of themes that practices and discussions are filed under."""
