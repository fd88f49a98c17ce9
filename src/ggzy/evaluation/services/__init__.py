"""Every state change of an evaluation: rules checked, ledger written, one transaction."""
