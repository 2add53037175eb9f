"""Baseline for ``python -m bench.run --only cpu``: a Streamlit page with one slider and one line.

Its page open and slider move are what any Streamlit app costs the server per rerun (session
bookkeeping, the websocket, the script runner), whatever it draws.
"""

import streamlit as st

value = st.slider("Value", 0.0, 1.0, 0.5, key="value")
st.write(f"Value: {value:.2f}")
