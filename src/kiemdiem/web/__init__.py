"""Giao diện web: the Vietnamese pages people use (layout, dashboard, tree, member registry)."""
