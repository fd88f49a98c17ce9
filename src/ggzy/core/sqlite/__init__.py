"""The SQLite backend ggzy uses (``ENGINE = "ggzy.core.sqlite"``)."""
