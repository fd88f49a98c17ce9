"""ggzy — 统一的公共资源交易平台 (unified public resource trading platform)."""

__version__ = "0.1.0"
