"""Home: what the lab is and what each page teaches."""

import streamlit as st

from ui.catalog import LESSONS
from ui.entry import ensure_app_navigation

ensure_app_navigation()

st.title("Neural networks, from the perceptron to LSTM/GRU")
st.markdown(
    "An interactive lab for the course's lecture notes. Drag a slider and the network changes "
    "live: small networks are written in NumPy so they train in milliseconds and show every "
    "intermediate number; tests check them against Keras/TensorFlow with the same weights.")

for i, lesson in enumerate(LESSONS, start=1):
    with st.container(border=True):
        st.page_link(lesson.script, label=f"{i}. {lesson.title}", icon=lesson.icon)
        st.markdown(lesson.teaches)
        st.caption(lesson.lecture)
