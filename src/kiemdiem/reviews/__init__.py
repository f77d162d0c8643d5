"""Kiểm điểm: collective reports, self-reviews with evidence, multi-source feedback, review meetings and votes."""
