"""Threads, discussion topics and comments: any record (a practice, a workspace, a topic) can own a thread."""
