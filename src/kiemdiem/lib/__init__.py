"""Small pure helpers (Vietnamese text, dates) used by several apps."""
