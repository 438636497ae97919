"""In-article entities: mentions, names, roles and descriptors of people, organisations, countries and groups."""
