"""sciwire serve: the web service, its job queue and access rules (issue 20)."""
