"""Works tendering (工程建设项目招标投标) and government procurement (政府采购)."""
