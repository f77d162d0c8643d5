"""Name parts for fictional members: random combinations, never a real person's record."""

FAMILY = [
    ("Nguyễn", 30), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Vũ", 4), ("Đỗ", 4),
    ("Bùi", 3), ("Đặng", 3), ("Ngô", 3), ("Dương", 2), ("Đinh", 2), ("Phan", 2), ("Lý", 1),
    ("Đào", 2), ("Trịnh", 2), ("Mai", 1), ("Tạ", 1), ("Lương", 1), ("Chu", 1), ("Kiều", 1),
]  # fmt: skip
MIDDLE_MALE = [
    "Văn",
    "Đức",
    "Minh",
    "Quang",
    "Hữu",
    "Xuân",
    "Công",
    "Mạnh",
    "Tiến",
    "Thanh",
    "Ngọc",
    "Duy",
    "Anh",
    "Trọng",
    "Bá",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Thu",
    "Ngọc",
    "Thanh",
    "Minh",
    "Phương",
    "Bích",
    "Hồng",
    "Kim",
    "Thùy",
    "Mai",
]
GIVEN_MALE = [
    "Hùng", "Dũng", "Cường", "Tuấn", "Hải", "Sơn", "Long", "Nam", "Thắng", "Bình", "Hòa", "Khánh",
    "Lâm", "Phong", "Quân", "Trung", "Việt", "Đạt", "Hiếu", "Tùng", "Thành", "Huy", "Kiên", "Toàn",
    "Vinh", "Lợi", "Quý", "Đông", "Hưng", "Tâm", "An", "Bảo", "Chiến", "Định", "Hậu", "Ước",
]  # fmt: skip
GIVEN_FEMALE = [
    "Lan", "Hương", "Hoa", "Mai", "Hằng", "Nga", "Thủy", "Yến", "Ngọc", "Trang", "Linh", "Thảo",
    "Hạnh", "Dung", "Loan", "Nhung", "Oanh", "Ánh", "Vân", "Huyền", "Liên", "Hiền", "Phượng", "Tuyết",
    "Thơm", "Quyên", "Ơn", "Ân", "Giang", "Hà",
]  # fmt: skip
STREETS = [
    "Thượng Thanh",
    "Đức Giang",
    "Tình Quang",
    "Thép Mới",
    "Vũ Đức Thận",
    "Đặng Vũ Hỷ",
    "Nguyễn Văn Linh",
]
