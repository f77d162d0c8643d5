"""Đảng viên: the member registry with its history (memberships, activity status, positions)."""
