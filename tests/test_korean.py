"""Korean as a Korean lecturer writes it (issue 25): the lectures' terms, one term per idea, and
no space between a word and its particle."""

import re

import pytest

from lab.core import i18n

PARTICLE = re.compile(
    r"[A-Za-z0-9)}\]'`%*_] (?:은\(는\)|을\(를\)|으로|에서|에는|까지|부터|보다|처럼|이다|이고|이며"
    r"|의|를|을|은|는|이|가|과|와|에|로|도|만)(?=[ ,.:;)\"!?·]|$)")
# one idea, one word: the lectures' (left) where the lab had another (right)
ONE_TERM = [("다 대 일", "다대일"), ("다 대 다", "다대다"), ("타임 스텝", "시점"), ("샘플", "표본"),
            ("어휘 사전", "단어 사전"), ("타임 스텝", "타임스텝"), ("출력", "인쇄"),
            ("비율", "의 비,"), ("비율", "의 비\""), ("비율", "비가 ")]


@pytest.fixture(scope="module")
def korean() -> dict[str, str]:
    return i18n.catalog("ko")


def test_no_space_before_a_particle(korean):
    found = [(k, m.group()) for k, v in korean.items() for m in PARTICLE.finditer(v)]
    assert not found, found[:10]


# Bold closed by punctuation (a percentage, a bracket) right before a particle: Markdown's rule
# for a closing ``**`` (punctuation before it needs a space or punctuation after it) leaves it
# open, and the page shows "**0.0%**가" with its asterisks.
BOLD_BEFORE_PARTICLE = re.compile(r"\*\*[^*]*(?:%\}|[%)\]'\".,:;!?])\*\*[가-힣]")


def test_bold_text_closes_before_a_particle(korean):
    found = [(k, m.group()) for k, v in korean.items() for m in BOLD_BEFORE_PARTICLE.finditer(v)]
    assert not found, found[:10]


@pytest.mark.parametrize("lectures, other", ONE_TERM)
def test_one_term_per_idea(korean, lectures, other):
    assert not [k for k, v in korean.items() if other in v], (lectures, other)


def test_what_the_lectures_never_say_is_not_attributed_to_them(korean):
    assert not [k for k, v in korean.items() if "고속도로" in v]  # lecture 004 never says it
    assert not [k for k, v in i18n.catalog("en").items() if "highway" in v]
    assert not [k for k, v in korean.items() if "12번째 윈도우" in v]  # index 12 is the 13th


def test_dashed_and_dotted_lines_have_their_own_words(korean):
    english = i18n.catalog("en")
    for key, text in english.items():
        if "dashed" in text and "dotted" not in text:
            assert "파선" in korean[key] and "점선" not in korean[key], key
        if "dotted" in text and "dashed" not in text:
            assert "점선" in korean[key] and "파선" not in korean[key], key
