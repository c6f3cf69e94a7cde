"""Issue 13 through the real pipeline: a whole report pasted in one message, readings asked
back, unusual figures confirmed, one-line corrections, everyday words, and knowing where one is.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from bot.app import App
from storage.models import DataValue, DataValueAudit, Submission
from tests.conftest import Person
from tests.helpers import rows, sample

P1_PHONE = "0900000001"

# The Ngã Năm sample's 26 figures as a head would paste them from a notebook: units after
# numbers, "ạ", a label, a conversion, words for zero, a yes in words.
PASTE = """1.250 tấn
1.000 tấn
12.500 tấn
45 tỷ
12 trường
9
300 trẻ
290 cháu
410
400 hs
380
370
300 người
150
có
có ạ
Dân số: 12.345
11.900
7.000
4.500
4.000
6.500
3.200 hộ
2,5
300 hộ dân
3%"""


async def _values(app: App) -> dict[str, str]:
    campaign = await sample(app)
    codes = {e.id: e.code for e in campaign.elements}
    return {codes[v.data_element_id]: v.value for v in await rows(app, DataValue)}


async def _head(app: App) -> Person:
    head = Person(app, "head", phone=P1_PHONE)
    await head.say("/start")
    return head


async def test_a_whole_report_in_three_messages(app: App) -> None:
    head = await _head(app)
    question = await head.say("/nhap")
    header = "[MẪU] Phong trào thi đua yêu nước năm 2026 thị xã Ngã Năm · Quý 4/2026 · Phường 1"
    assert header in question.splitlines()
    assert "chưa nộp báo cáo Quý 3/2026" in question  # the missed, locked period: told once
    assert "chưa nộp báo cáo Quý 3/2026" not in await head.script("thôi", "/nhap")
    summary = await head.say(PASTE)
    assert "Đã đọc 26 dòng, ghi 26 chỉ tiêu." in summary  # all clear: the summary lists them
    assert "4. Thu ngân sách: 45 tỷ đồng" in summary
    assert "Nộp báo cáo này?" in summary
    receipt = await head.say("nộp")
    assert "✅ Đã nhận báo cáo Quý 4/2026 của Phường 1" in receipt
    assert "Phong trào: [MẪU] Phong trào thi đua yêu nước năm 2026 thị xã Ngã Năm" in receipt
    values = await _values(app)
    assert len(values) == 26
    assert values["LUA_TONG"] == "1250" and values["THU_NGAN_SACH"] == "45"
    assert values["MG_RA_LOP"] == "290" and values["DAN_SO"] == "12345"
    assert values["CHUAN_Y_TE"] == "1" and values["TYT_BAC_SI"] == "1"
    assert values["GIAM_HO_NGHEO"] == "2.5" and values["GIAM_HO_KHMER_NGHEO"] == "3"
    assert len(await rows(app, Submission)) == 1
    # /nhap, the paste, "nộp": three messages from /nhap to the receipt (target: at most 5)
    assert len(head.replies) == 1 + 2 + 3


async def test_unclear_pasted_lines_are_asked_and_nothing_is_joined(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    lines = PASTE.splitlines()
    lines[2] = "12,500"  # tonnes with decimals: 12,5 or 12.500?
    lines[3] = "45 triệu"  # millions in a tỷ đồng element: converted, and the echo says so
    answer = await head.say("\n".join(lines))
    assert "Đã đọc 26 dòng, ghi 25 chỉ tiêu" in answer
    assert '3. Tổng sản lượng khai thác và nuôi trồng thủy sản: ❓ "12,500"' in answer
    assert "4. Thu ngân sách: 45 triệu đồng = 0,045 tỷ đồng" in answer
    assert "1. 12,5 tấn" in answer and "2. 12.500 tấn" in answer  # both readings offered
    assert await _values(app) == {}  # nothing is stored before the submission
    summary = await head.say("2")
    assert "Đã ghi — Tổng sản lượng khai thác và nuôi trồng thủy sản: 12.500 tấn" in summary
    assert "Nộp báo cáo này?" in summary
    await head.say("ok")
    values = await _values(app)
    assert values["THUY_SAN"] == "12500" and values["THU_NGAN_SACH"] == "0.045"


async def test_two_lines_are_two_figures(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    await head.script("1.250", "1.000", "12.500", "45 tỷ")
    answer = await head.say("12\n500")  # at "Tổng số trường học": 12, then 500 for the next
    assert "5. Tổng số trường học: 12 trường" in answer
    assert '6. Số trường đạt chuẩn quốc gia: ❓ "500"' in answer
    assert "lớn hơn Tổng số trường học (12 trường)" in answer and "năm trăm" in answer
    answer = await head.say("Nhập lại")
    assert "Chỉ tiêu 6/26: Số trường đạt chuẩn quốc gia" in answer
    answer = await head.say("9")
    assert "Đã ghi — Số trường đạt chuẩn quốc gia: 9 trường" in answer
    assert "Chỉ tiêu 7/26: Số trẻ em trong độ tuổi mẫu giáo" in answer  # then on in order


async def test_corrections_in_one_message_at_the_summary_and_after_submitting(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    summary = await head.say(PASTE)
    answer = await head.say("sửa 4 13 tỷ")
    assert "Đã ghi — Thu ngân sách: 13 tỷ đồng" in answer and "Nộp báo cáo này?" in answer
    answer = await head.say("5: 14")
    assert "Đã ghi — Tổng số trường học: 14 trường" in answer
    assert "1. Tổng sản lượng lúa" not in answer  # after a correction only the question
    refused = await head.say("abc")
    assert "Chưa hiểu" in refused and "1. Tổng sản lượng lúa" not in refused  # short question
    await head.say("đồng ý")
    values = await _values(app)
    assert values["THU_NGAN_SACH"] == "13" and values["TRUONG"] == "14"

    answer = await head.say("/nhap")
    assert "Kỳ này đã nộp" in answer
    answer = await head.say("sửa 4 15 tỷ vì số liệu cập nhật")
    assert "✅ Đã sửa Thu ngân sách: 13 tỷ đồng → 15 tỷ đồng. Lý do: số liệu cập nhật" in answer
    audits = [a for a in await rows(app, DataValueAudit) if a.reason]
    assert [a.reason for a in audits] == ["số liệu cập nhật"]
    assert (await _values(app))["THU_NGAN_SACH"] == "15"
    assert "Nộp báo cáo này?" in summary


async def test_everyday_words_stop_and_submit(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    answer = await head.say("1.250 tấn")
    assert "Đã ghi — Tổng sản lượng lúa: 1.250 tấn" in answer
    stopped = await head.say("thôi")
    assert "Đã dừng" in stopped and "bản nháp" in stopped
    resumed = await head.say("/nhap")
    assert "Tiếp tục bản nháp: đã nhập 1/26" in resumed
    stopped = await head.say("dừng")
    assert "Đã dừng" in stopped
    assert await _values(app) == {}


async def test_an_unusual_figure_is_asked_once_and_can_be_confirmed(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    await head.say("1.250")
    answer = await head.say("2.000")  # specialty rice above all rice
    assert "lớn hơn Tổng sản lượng lúa" in answer and "Số này đúng không?" in answer
    answer = await head.say("1")  # yes, keep it
    assert "Đã ghi — Sản lượng lúa đặc sản, lúa thơm: 2.000 tấn" in answer
    answer = await head.script("12.500", "45", "0912345678")  # a phone number as a school count
    assert '"0912345678" giống số điện thoại' in answer and "Nhập lại" in answer
    answer = await head.say("2")
    assert "Chỉ tiêu 5/26: Tổng số trường học" in answer
    answer = await head.say("12")
    assert "Chỉ tiêu 6/26" in answer
    answer = await head.say("sửa 5 13")  # a correction mid-entry, then back to question 6
    assert "Đã ghi — Tổng số trường học: 13 trường" in answer and "Chỉ tiêu 6/26" in answer


async def test_titles_are_toggled_by_tapping(app: App) -> None:
    head = await _head(app)
    answer = await head.say("/dangky")
    assert "1. ☐ Tập thể lao động tiên tiến" in answer and "3. Xong" in answer
    answer = await head.say("Xong")
    assert "Hãy chọn ít nhất một danh hiệu" in answer
    answer = await head.say("☐ Tập thể lao động tiên tiến")  # a tap sends the button's label
    assert (
        "1. ☑ Tập thể lao động tiên tiến" in answer and "2. ☐ Tập thể lao động xuất sắc" in answer
    )
    answer = await head.say("☐ Tập thể lao động xuất sắc")
    answer = await head.say("☑ Tập thể lao động tiên tiến")  # tapped again: unchosen
    assert (
        "1. ☐ Tập thể lao động tiên tiến" in answer and "2. ☑ Tập thể lao động xuất sắc" in answer
    )
    answer = await head.say("3")  # "Xong" by its number
    assert "chỉ tiêu cam kết" in answer
    answer = await head.say("2")  # no committed targets
    assert "Lưu đăng ký này?" in answer and "Danh hiệu đăng ký: Tập thể lao động xuất sắc" in answer


async def test_a_whole_list_pasted_after_the_first_question_starts_at_the_first(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    await head.say("1.100")  # question 1 answered, then the whole report pasted at question 2
    summary = await head.say(PASTE)
    assert "Đã đọc 26 dòng, ghi 26 chỉ tiêu." in summary
    assert "1. Tổng sản lượng lúa: 1.250 tấn" in summary
    assert "2. Sản lượng lúa đặc sản, lúa thơm: 1.000 tấn" in summary
    stopped = await head.say("không")  # not yet: stop, keep the draft
    assert "Đã dừng" in stopped and "bản nháp" in stopped
    assert await _values(app) == {}


async def test_review_paths_never_store_a_figure_on_the_wrong_element(app: App) -> None:
    """Found in review: a label naming no element, a second paste while a line is asked, a
    paste while correcting a submitted period, "1: 1.250" at question 1, a stale title tap,
    "đúng" and "nộp báo cáo" at the summary, "có" at an ask-back, a bad reply there."""
    head = await _head(app)
    await head.say("/nhap")
    answer = await head.say("Số học sinh tiểu học: 400\nSố trẻ mẫu giáo: 300")
    assert "Đã đọc 2 dòng, ghi 0 chỉ tiêu" in answer
    assert 'không rõ "Số học sinh tiểu học" là chỉ tiêu nào, chưa ghi' in answer
    assert "Chỉ tiêu 1/26" in answer
    answer = await head.say("1: 1.250")  # the current question, numbered: answered, on to 2
    assert "Đã ghi — Tổng sản lượng lúa: 1.250 tấn" in answer and "Chỉ tiêu 2/26" in answer
    answer = await head.say("12,500\n12.500\n45 tỷ")  # 2: ask which; 3 and 4 recorded
    assert "1. 12,5 tấn" in answer
    answer = await head.say("abc")  # a bad reply keeps the readings on offer
    assert "1. 12,5 tấn" in answer and "Nhập lại" in answer
    answer = await head.say("12\n9")  # a second paste fills the figures still missing
    assert "2. Sản lượng lúa đặc sản, lúa thơm: 12 tấn" in answer
    assert "5. Tổng số trường học: 9 trường" in answer and "Chỉ tiêu 6/26" in answer
    assert "3. " not in answer and "4. " not in answer  # 12.500 tấn and 45 tỷ kept
    answer = await head.say(PASTE)
    answer = await head.say("sửa 2 5000")  # above the total rice: asked
    assert "Số này đúng không?" in answer
    answer = await head.say("có")  # confirmed in words
    assert "Đã ghi — Sản lượng lúa đặc sản, lúa thơm: 5.000 tấn" in answer
    answer = await head.say(PASTE)  # a paste after a correction shows the whole summary
    assert "1. Tổng sản lượng lúa: 1.250 tấn" in answer and "Nộp báo cáo này?" in answer
    receipt = await head.say("nộp báo cáo")
    assert "✅ Đã nhận báo cáo" in receipt
    answer = await head.script("/nhap", "sửa 1", "300\n200")
    assert "Báo cáo đã nộp: sửa từng chỉ tiêu" in answer
    assert (await _values(app))["LUA_TONG"] == "1250"


async def test_a_bare_huge_amount_in_billions_is_asked(app: App) -> None:
    head = await _head(app)
    await head.say("/nhap")
    answer = await head.script("1.250", "1.000", "12.500", "45.000.000.000")
    assert "45.000.000.000 đồng = 45 tỷ đồng" in answer
    assert "1. 45 tỷ đồng" in answer and "2. 45.000.000.000 tỷ đồng" in answer
    answer = await head.say("1")
    assert "Đã ghi — Thu ngân sách: 45 tỷ đồng" in answer


async def test_a_stale_title_tap_does_not_undo_the_choice(app: App) -> None:
    head = await _head(app)
    await head.say("/dangky")
    await head.say("☐ Tập thể lao động tiên tiến")
    answer = await head.say("☐ Tập thể lao động tiên tiến")  # the old button tapped again
    assert "1. ☑ Tập thể lao động tiên tiến" in answer
    answer = await head.say("đúng")
    assert "Hãy gõ số thứ tự" in answer  # not a title, not "Xong"
