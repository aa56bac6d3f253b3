"""The query language, matching, explanations and the search engine. Never imports `store`."""
