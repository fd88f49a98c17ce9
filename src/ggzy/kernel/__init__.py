"""Pure-Python core of ggzy: no Django imports anywhere in this package."""
