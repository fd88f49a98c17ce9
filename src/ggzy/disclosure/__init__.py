"""Public disclosure (信息公开): the one publication service every trade calls, the public
portal, search, feeds, and the open-data exports (OCDS 1.1, the national data spec)."""
