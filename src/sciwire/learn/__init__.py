"""Teach sciwire your own categories from little data: tasks, labels, methods, active learning (issue 19)."""
