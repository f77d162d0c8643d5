"""Kiểm điểm: annual review and quality classification of party organizations and members."""
