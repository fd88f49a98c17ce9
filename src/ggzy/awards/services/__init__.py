"""Every state change from the report to the contract: rules checked, ledger written."""
