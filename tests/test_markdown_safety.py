"""Text from a visitor is drawn as itself: a typed or linked link, image, HTML, emphasis or code
never becomes Markdown inside the lab's own messages (``ui.safe``)."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, link_params
from ui.safe import md

APP = str(ROOT / "app.py")
HOSTILE = "[prize](http://evil.example) ![t](http://evil.example/t.png) <img src=x> **b** `c`"
# The hostile parts as a renderer would act on them: not escaped
ACTIVE = re.compile(r"(?<!\\)(\[(prize|x|X)\]\(|!\[t\]|<img|\*\*b\*\*|`c`)")


def bodies(at: AppTest) -> list[str]:
    """The text of every element that Streamlit renders as Markdown."""
    kinds = (at.markdown, at.caption, at.info, at.warning, at.error, at.success, at.toast)
    return [el.value for kind in kinds for el in kind]


def assert_drawn_as_text(at: AppTest, hostile: str = HOSTILE) -> None:
    texts = bodies(at)
    active = [b for b in texts if ACTIVE.search(b)]
    assert not active, active
    assert any(md(hostile) in b for b in texts), "the hostile text is not shown at all"


def test_md_escapes_every_metacharacter():
    assert md("[x](http://e) ![i](u) <img src=x> **b** `c` $x$ :red[r]\n# h") == (
        r"\[x\]\(http\://e\) \!\[i\]\(u\) \<img src=x\> \*\*b\*\* \`c\` \$x\$ \:red\[r\] \# h")
    assert md("see www.evil.example or me@evil.example") == (
        r"see www\.evil.example or me\@evil.example")
    assert [md(s) for s in ["- a", "+ a", " 1. a", "2) a", "a - b"]] == [
        r"\- a", r"\+ a", r" 1\. a", r"2\) a", "a - b"]
    assert "\n" not in md("a\nb\r\nc\x0bd\u2028e")


# (page, link values that put the hostile text into its inputs, the part of it the page shows)
TYPED = [
    ("rnn", {"w_typed": HOSTILE}, HOSTILE),
    ("rnn", {"u_source": "typed", "u_typed": HOSTILE}, HOSTILE),
    ("gates", {"gi_source": "toy", "gi_toy": HOSTILE}, "[prize](http://evil.example)"),
    ("structures", {"sq_words": HOSTILE}, "[prize](http"),
    ("errata", {"gl_find": HOSTILE[:60]}, HOSTILE[:60]),
]


@pytest.mark.parametrize("page,values,shown", TYPED,
                         ids=[f"{p}-{list(v)[-1]}" for p, v, _ in TYPED])
def test_typed_text_with_links_images_and_html_is_drawn_as_text(page, values, shown):
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(link_params(values))
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert_drawn_as_text(at, shown)


def test_a_crafted_link_value_is_drawn_as_text():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"w_units": HOSTILE})
    at.switch_page("pages/rnn.py")
    at.run()
    assert_drawn_as_text(at, HOSTILE[:30])


def test_an_uploaded_file_name_and_its_cells_are_drawn_as_text():
    at = AppTest.from_file(APP, default_timeout=240)
    at.switch_page("pages/stock.py")
    at.run()
    at.radio(key="sk_source").set_value("upload").run()
    bad_cell = "[x](http://evil.example)"
    raw = f"Date,Close\n2020-01-01,1\n2020-01-02,{bad_cell}\n".encode()
    at.file_uploader(key="sk_csv").set_value((f"{HOSTILE}.csv", raw, "text/csv")).run()
    assert_drawn_as_text(at, bad_cell)
    rows = "".join(f"2020-{m:02d}-{d:02d},{100 + d + m}\n"
                   for m in range(1, 4) for d in range(1, 28))
    at.file_uploader(key="sk_csv").set_value((f"{HOSTILE}.csv", f"Date,Close\n{rows}".encode(),
                                              "text/csv")).run()
    assert_drawn_as_text(at, f"{HOSTILE}.csv")


def test_a_ticker_symbol_from_a_link_is_drawn_as_text():
    at = AppTest.from_file(APP, default_timeout=240)
    at.query_params.update(link_params({"sk_source": "online", "sk_symbol": "[x](http://e)"}))
    at.switch_page("pages/stock.py")
    at.run()
    assert_drawn_as_text(at, "[X](HTTP://E)")  # refused as a symbol, named in capitals
