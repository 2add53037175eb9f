"""A room in real browsers: one lecturer and two students in Debian's headless Chromium, one of
them on a phone-sized screen (390 x 844). The students' pages follow the lecturer's slider,
a student who moves a control of their own stops following, and the phone's first screen
shows a figure, not the controls. Screenshots in ``test-results/screenshots/room/``."""

import re

import pytest

from lab.core import i18n
from tests.conftest import serve_app
from tests.test_browser import CHROMIUM, SCREENSHOTS, browser  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
KEY = "browser-test-lecturer-key"
SHOTS = SCREENSHOTS / "room"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
# the gate inspector's time-step slider, and its first figure's content
T_LABEL = i18n.t("gates.time_step", "en")
T_INPUT = ", ".join(f'input[type=range][aria-label="{i18n.t("gates.time_step", lang)}"]'
                    for lang in ("en", "ko"))  # the time-step slider, in either language
F_LABEL = i18n.t("gates.keep_label.lstm", "en")
FIRST_CHART = """() => { const s = document.querySelector('.main-svg');
    return s ? s.outerHTML : ''; }"""


@pytest.fixture(scope="module")
def room_url(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with serve_app(tmp_path_factory.mktemp("room"), LAB_LECTURER_KEY=KEY) as url:
        yield url


def _time_step(page) -> int:
    """The time-step slider's value, drawn or folded away (a follower's phone)."""
    return int(page.locator(T_INPUT).input_value())


def _wait_time_step(page, value: int) -> None:
    page.wait_for_function(
        f"""() => [...document.querySelectorAll({T_INPUT!r})].some(s =>
              s.value === '{value}')""", timeout=20_000)


def test_a_lecturer_and_two_students_in_chromium(room_url, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    lecturer = browser.new_page(viewport=DESKTOP)
    lecturer.goto(f"{room_url}/gates")
    lecturer.wait_for_selector("h1", timeout=60_000)
    lecturer.get_by_text(i18n.t("room.title", "en")).first.click()  # the sidebar's expander
    lecturer.get_by_role("textbox", name=i18n.t("room.key", "en")).fill(KEY)
    lecturer.get_by_role("button", name=i18n.t("room.open", "en")).click()
    lecturer.wait_for_function("""() => /Room [A-Z2-9]{5}/.test(
        document.querySelector('[data-testid="stSidebar"]').innerText)""", timeout=30_000)
    code = re.search(r"Room ([A-Z2-9]{5})", lecturer.locator('[data-testid="stSidebar"]')
                     .inner_text())[1]
    lecturer.screenshot(path=str(SHOTS / "lecturer.png"))

    laptop = browser.new_page(viewport=DESKTOP)
    phone = browser.new_page(viewport=PHONE)
    korean = i18n.languages()["ko"]
    for student, lang in ((laptop, "en"), (phone, "ko")):  # the join link, in each one's language
        student.goto(f"{room_url}/?room={code}" + ("" if lang == "en" else f"&lang={korean}"))
        student.wait_for_selector(".main-svg", timeout=60_000)  # home, then the lecturer's page
        assert student.locator("h1").first.inner_text().strip() == i18n.t(
            "lesson.gates.title", lang)
    start = _time_step(lecturer)
    assert _time_step(laptop) == _time_step(phone) == start

    # the phone's first screen: a figure, and the page's controls folded away
    phone.screenshot(path=str(SHOTS / "phone_following.png"))
    chart_top = phone.locator(".main-svg").first.bounding_box()["y"]
    assert chart_top < PHONE["height"], chart_top
    assert not phone.locator(T_INPUT).is_visible()

    before = laptop.evaluate(FIRST_CHART)
    lecturer.get_by_role("slider", name=T_LABEL).focus()
    lecturer.keyboard.press("ArrowRight")
    lecturer.keyboard.press("ArrowRight")
    _wait_time_step(lecturer, start + 2)
    for student in (laptop, phone):
        _wait_time_step(student, start + 2)
    laptop.wait_for_function(f"before => ({FIRST_CHART})() !== before", arg=before,
                             timeout=20_000)

    # the laptop's student moves a control of their own: exploring, no longer following
    laptop.get_by_role("slider", name=F_LABEL).focus()
    laptop.keyboard.press("ArrowRight")
    laptop.get_by_role("button", name=i18n.t("room.back", "en")).wait_for(timeout=20_000)
    lecturer.get_by_role("slider", name=T_LABEL).focus()
    lecturer.keyboard.press("ArrowLeft")
    _wait_time_step(phone, start + 1)
    laptop.wait_for_timeout(1500)
    assert _time_step(laptop) == start + 2
    laptop.screenshot(path=str(SHOTS / "laptop_exploring.png"))

    laptop.get_by_role("button", name=i18n.t("room.back", "en")).click()
    _wait_time_step(laptop, start + 1)
    for page in (lecturer, laptop, phone):
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
