"""Notification outbox, channels and the scheduler process."""
