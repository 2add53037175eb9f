"""Streamlit helpers shared by the pages: the lesson catalogue, the player, the sidebar.

``lab/`` never imports Streamlit; this package is where the small amount of shared view code
lives, so that each file in ``pages/`` stays a thin view.
"""
