"""Bid deposits (投标保证金) and electronic guarantees (电子保函) — the minimal part."""
