"""Link: cross-article work after the store, entity linking, statements and contradictions."""
