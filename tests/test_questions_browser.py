"""A question to the class in real browsers (Debian's headless Chromium): the lecturer, in
presenter mode, asks the gate inspector's first question; three students answer on their own
pages; the lecturer's projector shows the class's answers as a histogram with their count, and
Reveal adds the true value and the explanation. In English and in Korean. A student alone
answers a point question by clicking its point on the figure (Plotly's click, which AppTest
cannot make): the figure crosses the point clicked and, after Check, rings the true one.
Screenshots in ``test-results/screenshots/questions/``."""

import re

import pytest

from lab.core import i18n
from lab.questions import by_id
from tests.test_browser import SCREENSHOTS, app_url, browser, server_folder  # noqa: F401 (fixtures)
from tests.test_questions import defaults
from tests.test_room_browser import DESKTOP, KEY, room_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
SHOTS = SCREENSHOTS / "questions"
ANSWERS = ("0.73", "0.70", "0.5")  # the true value is the forget gate's 0.733
# the question at the top of the screen, below Streamlit's header
TOP = """e => { e.scrollIntoView({block: 'start'});
    for (const s of document.querySelectorAll('[data-testid="stMain"], section.main, body, html'))
        if (s.scrollTop > 0) { s.scrollTop -= 110; break; } }"""


def _lecturer(browser, url: str, lang: str):  # noqa: F811
    page = browser.new_page(viewport=DESKTOP)
    query = "presenter=true" + ("" if lang == "en" else f"&lang={i18n.languages()[lang]}")
    page.goto(f"{url}/gates?{query}")
    page.wait_for_selector(".main-svg", timeout=60_000)
    page.get_by_text(i18n.t("room.title", lang)).first.click()  # the sidebar's expander
    page.get_by_role("textbox", name=i18n.t("room.key", lang)).fill(KEY)
    page.get_by_role("button", name=i18n.t("room.open", lang)).click()
    page.wait_for_function("""() => /[A-Z2-9]{5}/.test(
        document.querySelector('[data-testid="stSidebar"]').innerText)""", timeout=30_000)
    return page


def _ask_and_answer(lecturer, students, lang: str, n: int) -> None:
    """The lecturer asks the room's ``n``-th question, the students answer, then Reveal."""
    lecturer.get_by_text(i18n.t("questions.ui.title", lang), exact=True).first.click()
    lecturer.get_by_role("button", name=i18n.t("questions.ui.ask", lang)).click()
    for student, answer in zip(students, ANSWERS):
        box = student.get_by_role("textbox", name=i18n.t("questions.ui.answer", "en"))
        box.first.wait_for(timeout=30_000)  # the class's question reaches the student
        box.first.fill(answer)
        student.get_by_role("button", name=i18n.t("questions.ui.send", "en")).click()
        student.get_by_text(re.compile("^Sent: ")).wait_for(timeout=30_000)
    lecturer.get_by_text(i18n.t("questions.ui.answers", lang, n=len(ANSWERS))).wait_for(
        timeout=30_000)
    chart = lecturer.locator(".st-key-q_answers").last  # (the last question's may linger)
    chart.wait_for(timeout=30_000)
    assert chart.locator(".main-svg").count() >= 1  # the histogram has drawn
    heading = lecturer.get_by_text(i18n.t("questions.ui.asked", lang, n=n))
    top = TOP
    heading.evaluate(top)
    lecturer.screenshot(path=str(SHOTS / f"{lang}_answers.png"))
    lecturer.get_by_role("button", name=i18n.t("questions.ui.reveal", lang)).click()
    lecturer.get_by_text(i18n.t("questions.ui.revealed", lang, answer="0.733")).first.wait_for(
        timeout=30_000)
    lecturer.wait_for_timeout(800)  # the chart redraws with the true value on it
    heading.evaluate(top)
    lecturer.screenshot(path=str(SHOTS / f"{lang}_revealed.png"))
    assert lecturer.locator('[data-testid="stException"]').count() == 0


@pytest.mark.slow  # the default suite clicks a point question to the class (below) in a browser,
# and test_room_questions counts numbers and choices in both languages
@pytest.mark.timeout(900)  # five browsers on a loaded machine: about 5 minutes
def test_the_class_answers_on_the_projector_in_both_languages(room_url, browser):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    english = _lecturer(browser, room_url, "en")
    code = re.search(r"Room ([A-Z2-9]{5})", english.locator('[data-testid="stSidebar"]')
                     .inner_text())[1]
    students = [browser.new_page(viewport={"width": 1000, "height": 900}) for _ in ANSWERS]
    for student in students:
        student.goto(f"{room_url}/?room={code}")  # the join link: home, then the lecturer's page
        student.wait_for_selector(".main-svg", timeout=90_000)
    _ask_and_answer(english, students, "en", 1)
    english.close()

    korean = _lecturer(browser, room_url, "ko")  # the same lecturer, reopening in Korean
    _ask_and_answer(korean, students, "ko", 2)
    for page in (korean, *students):
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()


def _click_point(page, figure_key: str, index: int) -> None:
    """A click on the ``index``-th point of a question's figure (Plotly's own click)."""
    figure = page.locator(f'[class*="st-key-{figure_key}"]').first
    figure.locator(".main-svg").first.wait_for(timeout=30_000)
    figure.scroll_into_view_if_needed()
    point = figure.locator(".scatterlayer .trace").first.locator("path.point").nth(index) \
        .bounding_box()
    page.mouse.click(point["x"] + point["width"] / 2, point["y"] + point["height"] / 2)


def _traces_become(page, n: int) -> None:
    """The question's figure draws ``n`` traces: its points, then the cross on the point clicked
    and, after Check, the ring on the true one."""
    page.wait_for_function("""n => {
        const f = document.querySelector('[class*="st-key-q_point_gates"]');
        return f && f.querySelectorAll('.scatterlayer .trace').length === n; }""", arg=n,
                           timeout=30_000)


# English is clicked in the room's test below; the default suite runs Korean alone
@pytest.mark.parametrize("lang", [pytest.param("en", marks=pytest.mark.slow), "ko"])
def test_a_point_question_is_answered_by_clicking_its_point(app_url, browser, lang):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    q = by_id("gates.highest_keep", defaults("gates"))
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{app_url}/gates" + ("" if lang == "en" else f"?lang={i18n.languages()[lang]}"))
    page.wait_for_selector(".main-svg", timeout=60_000)
    page.get_by_text(i18n.t("questions.ui.title", lang), exact=True).first.click()
    page.locator(".st-key-q_pick_gates").get_by_text("3", exact=True).click()  # the third
    page.get_by_text(i18n.t("questions.ui.click", lang)).first.wait_for(timeout=30_000)
    right = q.options.index(q.answer)
    wrong = next(i for i, o in enumerate(q.options) if not q.correct(o))
    check = page.get_by_role("button", name=i18n.t("questions.ui.check", lang))
    _click_point(page, "q_point_gates", wrong)  # the figure then crosses it
    page.get_by_text(i18n.t("questions.ui.clicked", lang, answer=q.shown(q.options[wrong]))
                     ).wait_for(timeout=30_000)
    _traces_become(page, 2)
    check.click()  # the true point ringed on the figure clicked, beside the cross
    page.get_by_text(i18n.t("questions.ui.wrong", lang, answer=q.shown())).wait_for(
        timeout=30_000)
    _traces_become(page, 3)
    _click_point(page, "q_point_gates", right)  # through the ring: a click reaches the point
    page.get_by_text(i18n.t("questions.ui.clicked", lang, answer=q.shown())).wait_for(
        timeout=30_000)
    check.click()
    page.get_by_text(i18n.t("questions.ui.right", lang, answer=q.shown())).wait_for(
        timeout=30_000)
    _traces_become(page, 3)
    page.screenshot(path=str(SHOTS / f"{lang}_point.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


@pytest.mark.timeout(600)
def test_the_class_clicks_a_point_question_on_the_projector(room_url, browser):  # noqa: F811
    """Two students click points (one the true one) on their laptops and send; the lecturer's
    projector (presenter mode) counts the clicks on the figure; Reveal rings the true point."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    q = by_id("gates.highest_keep", defaults("gates"))
    lecturer = _lecturer(browser, room_url, "en")
    code = re.search(r"Room ([A-Z2-9]{5})", lecturer.locator('[data-testid="stSidebar"]')
                     .inner_text())[1]
    students = [browser.new_page(viewport={"width": 1000, "height": 900}) for _ in range(2)]
    for student in students:
        student.goto(f"{room_url}/?room={code}")
        student.wait_for_selector(".main-svg", timeout=90_000)
    lecturer.get_by_text(i18n.t("questions.ui.title", "en"), exact=True).first.click()
    lecturer.locator(".st-key-q_pick_gates").get_by_text("3", exact=True).click()
    lecturer.get_by_role("button", name=i18n.t("questions.ui.ask", "en")).click()
    right = q.options.index(q.answer)
    for student, index in zip(students, (right, right + 1)):
        student.get_by_text(i18n.t("questions.ui.click", "en")).first.wait_for(timeout=30_000)
        _click_point(student, "q_room_point_", index)
        student.get_by_text(i18n.t("questions.ui.clicked", "en",
                                   answer=q.shown(q.options[index]))).wait_for(timeout=30_000)
        student.get_by_role("button", name=i18n.t("questions.ui.send", "en")).click()
        student.get_by_text(re.compile("^Sent: t = ")).wait_for(timeout=30_000)
    lecturer.get_by_text(i18n.t("questions.ui.answers", "en", n=2)).wait_for(timeout=30_000)
    heading = lecturer.get_by_text(i18n.t("questions.ui.asked", "en", n=1))
    heading.evaluate(TOP)
    lecturer.screenshot(path=str(SHOTS / "en_point_answers.png"))
    lecturer.get_by_role("button", name=i18n.t("questions.ui.reveal", "en")).click()
    lecturer.get_by_text(i18n.t("questions.ui.right_count", "en", right=1, n=2)).wait_for(
        timeout=30_000)
    lecturer.wait_for_timeout(800)  # the figure redraws with the true point ringed
    heading.evaluate(TOP)
    lecturer.screenshot(path=str(SHOTS / "en_point_revealed.png"))
    for page in (lecturer, *students):
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
