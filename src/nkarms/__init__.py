"""Helper package for the executable report on North Korea's arms transfers to Russia."""
