"""Sequence structures and teacher forcing (lectures 002 and 004): one-to-one ... seq2seq drawn
unrolled, and a next-character model ("국민대학") trained with teacher forcing or on its own
outputs, then generating step by step."""

import streamlit as st

from lab.core.i18n import headers, t
from lab.figures import structures as figures
from lab.figures.structures import EXAMPLES, generation_figure, structure_figure, training_figure
from lab.networks import charseq as cs
from ui.charts import chart
from ui.entry import ensure_app_navigation
from ui.fallback import or_last
from ui.safe import md
from ui.settings import STRUCTURE as C

ensure_app_navigation()


@st.cache_data(max_entries=32, show_spinner=False)
def trained(words: tuple[str, ...], units: int, lr: float, epochs: int, seed: int):
    """Both ways of training, on the same words from the same start (computed once per
    settings for the whole room)."""
    return {mode: cs.train(list(words), mode, units, lr, epochs, seed) for mode in cs.MODES}


def typed_words(text: str) -> list[str]:
    """The words in ``text``, or the last ones that could be read (with a note why)."""
    return or_last("sq_last_words", lambda: cs.parse_words(text), lambda words: t(
        "structures.previous_words", words=md(", ".join(words))), box=st.warning)


st.title(t("lesson.structures.title"))
st.markdown(t("structures.intro"))

# --- The four structures and seq2seq ---------------------------------------------------------------
st.subheader(t("structures.kinds_title"))
kind = C.draw("sq_kind")
chart(structure_figure(EXAMPLES[kind], t(f"structures.kind_option.{kind}")), key="sq_structure")
st.markdown(t(f"structures.explain.{kind}"))

# --- A next-character model ------------------------------------------------------------------------
st.subheader(t("structures.model_title"))
st.markdown(t("structures.model_intro"))
text = C.draw("sq_words")
c1, c2, c3, c4 = st.columns(4)
units, lr = C.draw("sq_units", c1), C.draw("sq_lr", c2)
epochs, seed = C.draw("sq_epochs", c3), C.draw("sq_seed", c4)
words = typed_words(text)
for a, b in cs.ambiguous(words):
    st.info(t("structures.ambiguous", a=md(a), b=md(b)))
runs = trained(tuple(words), units, float(lr), epochs, int(seed))
left, right = st.columns(2)
chart(training_figure(runs, "loss"), key="sq_loss", where=left)
chart(training_figure(runs, "generated"), key="sq_generated", where=right)
st.dataframe(headers(figures.summary_table(runs), "structures.col").style.format(
    {t("structures.col.final_loss"): "{:.4f}", t("structures.col.accuracy_as_trained"): "{:.1%}",
     t("structures.col.accuracy_generating"): "{:.1%}"}), hide_index=True, width="stretch")
if any(r.diverged for r in runs.values()):
    st.error(t("structures.diverged", lr=lr))
elif any(len(r.loss) < r.asked for r in runs.values()):
    st.info(t("structures.budget", ran=len(runs["teacher"].loss), asked=epochs,
              chars=sum(len(w) - 1 for w in words), budget=cs.MAX_CHAR_EPOCHS))
teacher, own = (figures.first_full(runs[m].generated) for m in cs.MODES)
st.caption(t("structures.compare", teacher=md(teacher or "-"), own=md(own or "-"),
             chars=sum(len(w) - 1 for w in words)))
st.download_button(t("download.csv"), figures.training_csv(runs).encode(),
                   "next_character_training.csv", "text/csv", key="sq_download_training")

# --- Generation, step by step ----------------------------------------------------------------------
st.subheader(t("structures.generation_title"))
st.markdown(t("structures.generation_intro"))
c1, c2 = st.columns(2)
mode = C.draw("sq_gen_mode", c1)
word = C.draw("sq_word", c2, options=words)
net = runs[mode].net
c1, c2 = st.columns(2)
force_at = C.draw("sq_force_at", c1, hi=len(word) - 1)
force_char = C.draw("sq_force_char", c2, options=net.vocab, disabled=force_at == 0)
gen = figures.generated(net, word, force_at, force_char)
st.markdown(t("structures.generated", word=md(word), made=md(gen.made), wrong=gen.wrong))
chart(generation_figure(gen.steps, net.vocab), key="sq_generation")
st.dataframe(headers(gen.table, "structures.col"), hide_index=True, width="stretch")
st.download_button(t("download.csv"), gen.table.to_csv(index=False).encode(), "generation.csv",
                   "text/csv", key="sq_download_generation")
