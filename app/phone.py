"""Fieldbook on a phone (390 px wide): taps of at least 44 px, and a menu that closes once
a page is chosen.

Streamlit closes its sidebar after a menu choice only when the browser says it is a
phone (its user agent); a narrow window of any other browser keeps the menu open over
the page, and `st.navigation(position="top")` falls back to the sidebar below 640 px.
So a small script closes the sidebar after a menu link is tapped in a window no wider
than Streamlit's `md` breakpoint (768 px, below which the open sidebar covers the page).
The language switch and the user box (with its link to My settings, which closes the
menu too) stay in the sidebar, one tap on its ">" away.

Both the style and the script are constant text of this module: no catalogue text, no
data and nothing a person typed ever goes into them.
"""

from __future__ import annotations

import streamlit as st

# Buttons, page links, radio choices, the menu's links, select and text boxes at least
# 44 px tall on narrow screens, the plan's tel: links likewise; items visited today greyed,
# an item's "Log the visit" link drawn as a button, long link labels wrapped; a training
# day's attendance ticks a whole row tall (44 px) with a larger box.
_STYLE = """<style>
@media (max-width: 768px) {
  button[data-testid^="stBaseButton"],
  [data-testid="stButtonGroup"] button,
  [data-testid="stPageLink"] a,
  [data-testid="stSidebarNavLink"],
  [data-testid="stRadio"] [role="radiogroup"] label,
  [data-baseweb="select"] > div,
  [data-baseweb="input"] {
    min-height: 44px;
    align-items: center;
  }
  [data-testid="stRadio"] [role="radiogroup"] label { display: flex; padding-right: 0.5rem; }
  [class*="st-key-plan_"] [data-testid="stMarkdownContainer"] a {
    display: inline-flex;
    align-items: center;
    min-height: 44px;
    min-width: 44px;
  }
}
[class*="st-key-plan_done_"] { opacity: 0.65; }
[class*="st-key-att_"] [data-testid="stCheckbox"] label {
  min-height: 44px;
  width: 100%;
  align-items: center;
}
[class*="st-key-att_"] [data-testid="stCheckbox"] label > span:first-child {
  transform: scale(1.35);
  margin-right: 0.75rem;
}
[class*="st-key-plan_"] [data-testid="stPageLink"] a * {
  white-space: normal !important;
  overflow-wrap: anywhere;
}
[class*="st-key-plan_log_"] [data-testid="stPageLink"] a {
  justify-content: center;
  border: 1px solid currentColor;
  border-radius: 0.5rem;
  font-weight: 600;
}
</style>"""

# Allowed by its hash in the Content-Security-Policy (app.auth.headers lists it).
CLOSE_MENU = """<script>
(() => {
  if (window.fieldbookMenuCloses) return;
  window.fieldbookMenuCloses = true;
  const narrow = window.matchMedia("(max-width: 768px)");
  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element) || !narrow.matches) return;
    const link = '[data-testid="stSidebarNav"] a, '
      + '[data-testid="stSidebar"] [data-testid="stPageLink"] a';
    if (!target.closest(link)) return;
    window.setTimeout(() => {
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (sidebar && sidebar.getAttribute("data-collapsed") === "false" && close) {
        close.click();
      }
    }, 50);
  }, true);
})();
</script>"""


def render_phone_support() -> None:
    """The style (sent where it takes no room) and the menu script (in the sidebar)."""
    st.html(_STYLE)
    st.sidebar.html(CLOSE_MENU, unsafe_allow_javascript=True)
