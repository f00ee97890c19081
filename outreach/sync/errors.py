"""Every answer the phone can get for a pushed item or a refused request, in Vietnamese and
English. The code is for the app's logic; the messages are shown to the team member."""

MESSAGES = {
    # per item: rejected, never retried
    "malformed": ("Dữ liệu lượt đến nhà không hợp lệ", "The visit is malformed"),
    "unknown_campaign": ("Chiến dịch không tồn tại hoặc đã kết thúc", "Unknown or closed campaign"),
    "unknown_household": ("Không tìm thấy hộ này trên máy chủ", "Unknown household"),
    "household_out_of_scope": (
        "Hộ này không thuộc khu vực tổ của bạn được giao (có thể đã giao lại cho tổ khác)",
        "This household is outside your team's turfs (it may have been reassigned)",
    ),
    "unknown_turf": ("Khu vực không tồn tại hoặc không được giao cho tổ của bạn", "Unknown turf or not assigned to your team"),
    "unknown_outcome": ("Mã kết quả không tồn tại", "Unknown outcome code"),
    "unknown_reason": ("Mã lý do không tồn tại", "Unknown reason code"),
    "unknown_resident": ("Không tìm thấy nhân khẩu này trong hộ", "Unknown resident in this household"),
    "invalid_household": ("Thông tin hộ mới không hợp lệ", "The new household is invalid"),
    "invalid_resident": ("Thông tin nhân khẩu mới không hợp lệ", "The new resident is invalid"),
    "conflict": (
        "Mã lượt đến nhà này đã được gửi với nội dung khác; lượt đã lưu được giữ nguyên",
        "This visit id was already stored with different content; the stored visit is unchanged",
    ),
    # whole request: 4xx, not retried
    "malformed_json": ("Nội dung gửi lên không phải JSON hợp lệ", "The request body is not valid JSON"),
    "malformed_body": ("Nội dung phải có dạng {\"visits\": [...]}", "The body must be {\"visits\": [...]}"),
    "too_many_items": ("Mỗi lần gửi tối đa %(max)d lượt", "At most %(max)d visits per request"),
    "too_large": ("Dữ liệu gửi lên quá lớn (tối đa %(max)d byte)", "The request body is too large (at most %(max)d bytes)"),
    "not_signed_in": ("Bạn chưa đăng nhập, hoặc phiên đăng nhập đã hết", "Not signed in, or the session has ended"),
    "bad_token": ("Mã truy cập không đúng, hoặc tài khoản đã bị khoá", "Unknown token, or the account is disabled"),
    "bad_cursor": ("Mốc đồng bộ không hợp lệ, hãy tải lại toàn bộ", "Invalid cursor; download everything again"),
    "bad_campaign": ("Mã chiến dịch không hợp lệ", "Invalid campaign id"),
    "cursor_expired": ("Dữ liệu trên máy đã cũ so với máy chủ: đang tải lại toàn bộ khu vực",
                       "The phone's data is older than the server keeps changes for: downloading everything again"),
    # transient: 503, retried
    "unavailable": ("Máy chủ tạm thời không sẵn sàng, máy sẽ tự gửi lại", "The server is temporarily unavailable; the phone will retry"),
}  # fmt: skip


# Which codes can come where: the OpenAPI document lists exactly these (outreach/api/schema.py).
ITEM_CODES = ("malformed", "unknown_campaign", "unknown_household", "household_out_of_scope", "unknown_turf",
              "unknown_outcome", "unknown_reason", "unknown_resident", "invalid_household", "invalid_resident",
              "conflict")  # fmt: skip
PUSH_BAD_REQUEST = ("malformed_json", "malformed_body")
PUSH_TOO_LARGE = ("too_many_items", "too_large")
PULL_BAD_REQUEST = ("bad_cursor", "bad_campaign")
PULL_NOT_FOUND = ("unknown_campaign",)
PULL_GONE = ("cursor_expired",)  # 410: the changes since that cursor are no longer kept; download whole
SIGNED_OUT = ("not_signed_in", "bad_token")
UNAVAILABLE = ("unavailable",)


def error_body(code: str, detail: str = "", **params) -> dict:
    vi, en = MESSAGES[code]
    body = {"code": code, "message_vi": vi % params if params else vi, "message_en": en % params if params else en}
    if detail:
        body["detail"] = detail
    return body
