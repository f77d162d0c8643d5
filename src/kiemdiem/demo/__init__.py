"""Dữ liệu mẫu: the seed ward (Đảng bộ phường Thượng Thanh) for the demo and the tests."""
