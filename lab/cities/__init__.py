"""Cities, twin links between them, and the Lab's agreements."""
