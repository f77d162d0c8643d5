"""Nhật ký: the audit trail of every change in the annual cycle (who, when, what changed, why)."""
