"""Stage 4, site: turns executed chapters into the website and the PDF.

Owns the Sphinx extensions (``sphinx_ext``: offline chart runtime and CSP;
``sphinx_data``: data downloads, per-page data notes, link previews;
``sphinx_icons``: the theme's icon font cut to what the site shows;
``sphinx_explorer``: the claims explorer's script, on its page only), chart
rendering (``render``), the list of built pages (``pages``), the loopback
server (``localserver``), the one browser launcher (``browser``: Debian's
Chromium and its flags), the PDF (``pdf``, with ``cover`` for what its cover
and contents say and ``poppler`` to read it back) and the static assets
(``static/``: CSS and JavaScript live in files, not in Python strings). It
may import every earlier stage, never ``nkarms.build``.
"""
