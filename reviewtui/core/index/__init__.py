"""The search structures that are also persisted: vocabulary, packed search data, full text."""
