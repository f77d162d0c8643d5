"""Synthetic national data set (dữ liệu tổng hợp quy mô toàn quốc) for benchmarks and scale tests."""
