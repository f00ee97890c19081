"""What the field app's screens say about the phone's own work, at 360×740: the header's
status pill (rejected visits, a server that cannot be reached, a Wi-Fi sign-in page, the
count waiting, all readable on a narrow phone), a household's state right after a visit
saved offline, today's "activated" count as the police report counts it, and the warning
for assisting someone already activated."""


import pytest

from tests.fixtures import build_world

pytestmark = pytest.mark.browser


def pill(phone) -> str:
    return " ".join(phone.page.inner_text("#sync").split())


def wait_state(phone, state: str):
    phone.page.wait_for_function("s => document.documentElement.dataset.sync === s", arg=state)


def test_a_household_shows_its_new_state_right_after_a_visit_saved_offline(transactional_db, live_server, phone):
    world = build_world(households_per_turf=3)
    first, second, third = world.households_a
    phone.sign_in("alice")
    phone.offline()
    # A resident found at the door: the phone number as the reports write it, and a link to call.
    page = phone.page
    phone.open_household(third.id)
    page.click('[data-ho="visited"]')
    page.click("#addres")
    page.fill("input[name=full_name]", "Lê Thị Thu")
    page.fill("input[name=birth]", "1990")
    page.fill("input[name=phone]", "0912345678")
    page.click("[data-add]")
    tel = page.locator("article.res", has_text="Lê Thị Thu").locator("a.tel")
    assert tel.inner_text() == "0912 345 678"
    assert tel.get_attribute("href") == "tel:+84912345678"
    phone.go("#/")
    page.wait_for_selector(".walk li a")

    phone.record_visit(first.id, outcome="refused")
    # On the household screen itself, without leaving it.
    assert "Chưa đến" not in phone.page.inner_text(".sub")
    assert "Đã đến" in phone.page.inner_text(".sub")
    # In the walk list.
    phone.go("#/")
    phone.page.wait_for_selector(".walk li a")
    row = phone.page.locator(f'.walk a[href="#/h/{first.id}"]')
    assert row.locator(".st").inner_text() == "Đã đến"
    # And with "Hẹn lại" for a visit that asks to come back.
    phone.record_visit(second.id, outcome="nobody_home", revisit="tomorrow")
    assert "Hẹn lại" in phone.page.inner_text(".sub")
    phone.page.click(".saved a.ghost")  # "Về danh sách"
    phone.page.wait_for_selector(".walk li a")
    assert "Hẹn lại" in phone.page.locator(f'.walk a[href="#/h/{second.id}"] .st').inner_text()
    assert phone.queued_count() == 2


FITS = """() => {
    const button = document.getElementById('sync');
    const brand = document.querySelector('.top .brand').getBoundingClientRect();
    const box = button.getBoundingClientRect();
    const cut = [button, ...button.querySelectorAll('span')].filter((el) => el.scrollWidth > el.clientWidth + 1);
    // The outbox tab's label ("Chờ gửi") and its count badge.
    const tab = document.querySelector('.tabs a[data-tab=outbox]');
    const range = document.createRange();
    range.selectNodeContents(tab.firstChild);
    const label = range.getBoundingClientRect();
    const badge = document.getElementById('badge').getBoundingClientRect();
    const overlap = !(badge.left >= label.right || badge.right <= label.left || badge.top >= label.bottom || badge.bottom <= label.top);
    return {cut: cut.map((el) => `${el.textContent} ${el.scrollWidth}>${el.clientWidth}`), right: box.right, width: innerWidth, overBrand: box.left < brand.right,
            badgeOverLabel: overlap, badgeInTab: badge.right <= tab.getBoundingClientRect().right};
}"""


def test_the_pill_says_offline_with_15_waiting_uncut_at_360_px(transactional_db, live_server, phone, shots_dir):
    world = build_world(households_per_turf=15)
    phone.sign_in("alice")
    phone.offline()
    for household in world.households_a:
        phone.record_visit(household.id, outcome="refused")
    wait_state(phone, "offline")
    phone.page.wait_for_function("() => document.documentElement.dataset.queued === '15'")
    phone.go("#/")
    phone.page.wait_for_selector(".walk li a")
    assert pill(phone) == "Ngoại tuyến chờ gửi 15"
    assert phone.page.get_attribute("#sync", "aria-label") == "Ngoại tuyến · chờ gửi 15"
    assert phone.page.inner_text("#badge") == "15"
    fit = phone.page.evaluate(FITS)
    assert fit == {"cut": [], "right": fit["right"], "width": 360, "overBrand": False, "badgeOverLabel": False,
                   "badgeInTab": True}, fit  # fmt: skip
    assert fit["right"] <= 360
    phone.page.screenshot(path=str(shots_dir / "pill-offline-15.png"))


def test_the_pill_tells_a_wifi_sign_in_page_from_a_server_out_of_reach_and_keeps_the_count(
    transactional_db, live_server, phone, shots_dir
):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    phone.offline()
    for household in world.households_a[:2]:
        phone.record_visit(household.id, outcome="refused")
    answer = {"kind": "502"}  # a retry timer may fire before the first case is set up

    def network(route):
        kind = answer["kind"]
        if kind == "502":
            route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")
        elif kind == "portal":  # a hotel or café Wi-Fi: its sign-in page, with a 200
            route.fulfill(status=200, content_type="text/html", body="<html><form>Đăng nhập Wi-Fi</form></html>")
        else:  # a portal that redirects every request to its own site
            route.fulfill(status=302, headers={"Location": "http://wifi-login.invalid/portal?url=x"}, body="")

    for pattern in ("**/app/session", "**/api/v1/sync/**"):
        phone.context.route(pattern, network)

    def wait_problem(problem):
        phone.page.wait_for_function("p => document.documentElement.dataset.problem === p"
                                     " && !['syncing', 'idle'].includes(document.documentElement.dataset.sync)", arg=problem)

    def sync_and_expect(kind, problem):
        answer["kind"] = kind
        phone.page.evaluate("() => { document.documentElement.dataset.problem = '' }")
        phone.page.click("#sync")
        wait_problem(problem)
        return pill(phone)

    phone.offline(False)  # the online event syncs
    wait_problem("unreachable")
    assert pill(phone) == "Mất kết nối máy chủ chờ gửi 2 · sẽ thử lại"
    assert "Máy chủ lỗi" not in pill(phone)
    assert phone.page.evaluate(FITS)["cut"] == []
    assert sync_and_expect("portal", "portal") == "Cần đăng nhập Wi-Fi chờ gửi 2 · sẽ thử lại"
    assert sync_and_expect("502", "unreachable").startswith("Mất kết nối máy chủ")
    assert sync_and_expect("redirect", "portal") == "Cần đăng nhập Wi-Fi chờ gửi 2 · sẽ thử lại"
    phone.page.screenshot(path=str(shots_dir / "pill-wifi-sign-in.png"))
    assert phone.page.evaluate(FITS)["cut"] == []
    assert phone.queued_count() == 2

    # The Wi-Fi signed in: everything goes, and the pill says so.
    phone.context.unroute("**/app/session")
    phone.context.unroute("**/api/v1/sync/**")
    phone.page.click("#sync")
    phone.wait_queue_empty()
    assert pill(phone) == "Đã gửi hết"


def test_the_pill_never_says_all_sent_while_a_visit_is_rejected(transactional_db, live_server, phone, shots_dir):
    world = build_world(households_per_turf=3)
    phone.sign_in("alice")
    phone.offline()
    for household in world.households_a[:2]:
        phone.record_visit(household.id, outcome="refused")

    def refuse_the_first(route):
        # The server refuses one visit of the batch (as it does one out of scope).
        response = route.fetch()
        body = response.json()
        body["results"][0] = {"status": "rejected", "code": "household_out_of_scope",
                              "message_vi": "Hộ này không thuộc khu vực tổ của bạn được giao.",
                              "message_en": "This household is not in your team's area."}  # fmt: skip
        route.fulfill(response=response, json=body)

    phone.context.route("**/api/v1/sync/push", refuse_the_first)
    phone.offline(False)
    phone.wait_queue_empty()
    phone.page.wait_for_function("() => document.documentElement.dataset.rejected === '1'")
    assert pill(phone) == "1 lượt bị từ chối"
    assert "Đã gửi hết" not in pill(phone)
    assert phone.page.inner_text("#badge") == "1"
    assert phone.page.evaluate(FITS)["cut"] == []
    phone.page.screenshot(path=str(shots_dir / "pill-rejected.png"))


def test_today_counts_each_person_newly_activated_once_as_the_report_does(transactional_db, live_server, phone):
    from households.models import Resident

    world = build_world(households_per_turf=3)
    h1, h2, _h3 = world.households_a
    an1, _hoa1 = h1.residents.order_by("id")[:2]
    an2, hoa2 = h2.residents.order_by("id")[:2]
    Resident.objects.filter(id=an1.id).update(vneid_level2="activated")  # activated before the campaign's evening
    activated_before = Resident.objects.filter(vneid_level2="activated").count()
    phone.sign_in("alice")
    phone.offline()
    page = phone.page

    # Alice taps "assisted, activated level 2" for An 1, whose record says activated: told, not stopped.
    phone.open_household(h1.id)
    page.click('[data-ho="visited"]')
    assert page.locator(".already").count() == 0
    page.click(f'[data-r="{an1.id}"] [data-ro="assisted_l2_activated"]')
    warning = page.locator(f'[data-r="{an1.id}"] .already')
    assert "đã kích hoạt VNeID mức 2 rồi" in warning.inner_text()
    assert "Đã kích hoạt mức 2 từ trước" in warning.inner_text()
    # Not for someone not yet activated, and gone once the outcome is changed.
    page.click(f'[data-r="{_hoa1.id}"] [data-ro="assisted_l2_activated"]')
    assert page.locator(f'[data-r="{_hoa1.id}"] .already').count() == 0
    page.click(f'[data-r="{_hoa1.id}"] [data-ro="assisted_l2_activated"]')  # a second tap clears it
    page.click("button.save")
    page.wait_for_selector(".saved >> text=Đã lưu trên máy")
    # An 2 activated, then the same assist again later in the evening (a repeat).
    phone.record_visit(h2.id, outcome="visited", resident_outcomes={an2.id: "assisted_l2_activated"})
    phone.go("#/")
    page.wait_for_selector(".walk li a")
    phone.record_visit(h2.id, outcome="visited", resident_outcomes={an2.id: "assisted_l2_activated",
                                                                   hoa2.id: "interested"})  # fmt: skip

    phone.go("#/progress")
    page.wait_for_selector("#p-activated")
    assert page.inner_text("#p-activated") == "1"
    assert page.inner_text("#p-visits") == "3"

    phone.offline(False)
    phone.wait_queue_empty()
    # The server's count moved by the same one person (what the police report's "today" shows).
    assert Resident.objects.filter(vneid_level2="activated").count() - activated_before == 1
    phone.go("#/")
    phone.go("#/progress")
    page.wait_for_selector("#p-activated")
    assert page.inner_text("#p-activated") == "1"  # the visits came back with the pull: still one
