"""Workspaces: where two or more cities run a joint initiative (members, tasks, milestones,
documents, an activity feed and a thread)."""
