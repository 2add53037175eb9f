"""The lecturer's exploration grid: in the room's panel, a choice of grid around the stock page's
settings as the lecturer last drew them (the page defaults before that), a button that trains it
for the room in the background (``lab.models.stock_model.grid``), and its progress.

The grid's trainings go after every training a session waits for (``lab.training.store``'s
background tier), so the class never waits for it; a student who then explores inside it gets
each forecast from the store at once. ``python -m lab.prepare --grid stock-windows`` prepares the
same grid for the page defaults before class.
"""

from __future__ import annotations

import streamlit as st

from lab.core.i18n import t
from lab.data import stock
from lab.models import stock_model

KEY = "_grid"  # session state: the grid this lecturer started (lab.training.store.Grid)
POLL_S = 1.0


def _around() -> tuple[stock.PrepSettings, stock_model.ForecastSettings]:
    """The stock page's settings of the lecturer's last forecast (``sk_last``), else the page
    defaults."""
    last = st.session_state.get("sk_last")
    if last is not None:
        return last[1], last[2].settings
    return stock.PrepSettings(), stock_model.ForecastSettings()


def _data() -> stock.StockData:
    """The prices of the lecturer's last forecast, else the first embedded series: read only
    when the grid is started (the panel is drawn on every run of the lecturer's, on every page,
    and reading the series took longer than the rest of the run)."""
    last = st.session_state.get("sk_last")
    return last[0] if last is not None else stock.load_embedded(stock.EMBEDDED_TICKERS[0])


def panel() -> None:
    """The grid's part of the lecturer's panel."""
    prep, s = _around()
    st.markdown(f"**{t('grid.title')}**")
    name = st.selectbox(t("grid.which"), stock_model.GRIDS, key="_grid_name",
                        format_func=lambda n: t(f"grid.name.{n}"))
    st.caption(t("grid.around", kind=s.kind, units=s.units, window=prep.window_size,
                 epochs=s.epochs, points=len(stock_model.grid_settings(name, prep, s))))
    if st.button(t("grid.start"), key="_grid_start", icon=":material/grid_view:",
                 help=t("grid.help")):
        st.session_state[KEY] = stock_model.grid(name, _data(), prep, s)
    grid = st.session_state.get(KEY)
    if grid is not None:
        _progress(grid)


def _progress(grid) -> None:
    @st.fragment(run_every=POLL_S if grid.running else None)
    def draw():
        st.progress(grid.fraction(), t("grid.progress", done=grid.done, total=grid.total,
                                       trained=grid.trained, found=grid.found))
        if not grid.running:
            st.caption(t("grid.ready" if not grid.failed else "grid.some_failed",
                         failed=grid.failed))
        elif st.button(t("grid.stop"), key="_grid_stop", icon=":material/stop:"):
            grid.stop()
    draw()
