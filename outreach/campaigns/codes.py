"""The outcome and reason codes every campaign starts with (DESIGN.md §2). Campaigns add
their own as rows in the admin; this list only seeds the database (migration 0002)."""

H, R, X = "household", "resident", "reason"

SEEDED_CODES = [
    # code, scope, label_vi, label_en, effects
    ("visited", H, "Đã gặp, đã tuyên truyền", "Met the household", {"household_reached": True}),
    ("nobody_home", H, "Không có ai ở nhà — hẹn quay lại", "Nobody home — come back", {"needs_revisit": True}),
    ("refused", H, "Không mở cửa / từ chối", "Door not opened / refused", {}),
    ("assisted_l1_registered", R, "Đã hỗ trợ đăng ký mức 1, chờ duyệt", "Helped to register level 1, awaiting approval",
     {"vneid_level": 1, "vneid_status": "registered", "interest": "interested"}),
    ("assisted_l1_activated", R, "Đã hỗ trợ kích hoạt mức 1", "Helped to activate level 1",
     {"vneid_level": 1, "vneid_status": "activated", "interest": "interested"}),
    ("assisted_l2_registered", R, "Đã thu nhận hồ sơ mức 2, chờ duyệt", "Level 2 application taken, awaiting approval",
     {"vneid_level": 2, "vneid_status": "registered", "interest": "interested"}),
    ("assisted_l2_activated", R, "Đã hỗ trợ kích hoạt mức 2", "Helped to activate level 2",
     {"vneid_level": 2, "vneid_status": "activated", "interest": "interested"}),
    ("already_activated_l1", R, "Đã kích hoạt mức 1 từ trước", "Level 1 already activated",
     {"vneid_level": 1, "vneid_status": "activated"}),
    ("already_activated_l2", R, "Đã kích hoạt mức 2 từ trước", "Level 2 already activated",
     {"vneid_level": 2, "vneid_status": "activated"}),
    ("interested", R, "Quan tâm — hẹn quay lại", "Interested — come back", {"interest": "interested"}),
    ("little_interested", R, "Ít quan tâm", "Little interested", {"interest": "little"}),
    ("not_interested", R, "Không quan tâm", "Not interested", {"interest": "not"}),
    ("absent", R, "Vắng nhà", "Not at home", {}),
    ("not_eligible", R, "Chưa đủ 14 tuổi", "Not eligible (under 14)", {}),
    ("not_living_here", R, "Không ở tại địa chỉ (KT2)", "Registered but not living here (KT2)",
     {"residence_status": "kt2"}),
    ("moved_away", R, "Đã chuyển đi", "Moved away", {"residence_status": "moved"}),
    ("deceased", R, "Đã mất", "Deceased", {"residence_status": "deceased"}),
    ("no_smartphone", X, "Không có điện thoại thông minh", "No smartphone", {}),
    ("phone_not_own", X, "Số điện thoại không chính chủ hoặc đã dùng cho tài khoản khác",
     "Phone number not in own name or used by another account", {}),
    ("no_otp", X, "Không nhận được mã OTP", "No OTP received", {}),
    ("face_match_failed", X, "Không xác thực được khuôn mặt", "Face match failed", {}),
    ("id_card_no_chip", X, "Căn cước không gắn chip", "ID card without chip", {}),
    ("no_network", X, "Không có sóng / mạng", "No network", {}),
]  # fmt: skip
