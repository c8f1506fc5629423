"""The home page that introduces the Lab."""
