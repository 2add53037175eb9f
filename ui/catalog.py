"""The lessons of the lab, in lecture order.

``app.py`` builds the navigation from this list and the home page describes it, so a page is
added in one place. Only pages that are really built are listed. Their titles and descriptions
are in ``lab/locales/`` under ``lesson.<url_path>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lab.core.i18n import t


@dataclass(frozen=True)
class Lesson:
    script: str  # file under pages/
    icon: str
    url_path: str  # also the lesson's key in lab/locales: lesson.<url_path>.title, ...
    keras: bool = False  # its default view trains a Keras model (imports TensorFlow)

    def title(self) -> str:
        return t(f"lesson.{self.url_path}.title")

    def lecture(self) -> str:
        """Which lecture note it follows (see ../shared/seeds/README.md)."""
        return t(f"lesson.{self.url_path}.lecture")

    def teaches(self) -> str:
        return t(f"lesson.{self.url_path}.teaches")


LESSONS: list[Lesson] = [
    Lesson("pages/perceptron.py", ":material/linear_scale:", "perceptron"),
    Lesson("pages/xor.py", ":material/hub:", "xor"),
    Lesson("pages/rnn.py", ":material/repeat:", "rnn"),
    Lesson("pages/structures.py", ":material/account_tree:", "structures"),
    Lesson("pages/gates.py", ":material/tune:", "gates"),
    Lesson("pages/stock.py", ":material/show_chart:", "stock", keras=True),
    Lesson("pages/text.py", ":material/text_fields:", "text"),
    Lesson("pages/imdb.py", ":material/rate_review:", "imdb", keras=True),
    Lesson("pages/experiments.py", ":material/science:", "experiments", keras=True),
    Lesson("pages/errata.py", ":material/fact_check:", "errata"),
]
