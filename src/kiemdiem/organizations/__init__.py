"""Tổ chức đảng: the organization tree with its history (merges, splits, moves)."""
