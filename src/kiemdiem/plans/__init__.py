"""Kế hoạch: the year's review plan (subjects, places, content, steps, deadlines, launch conference)."""
