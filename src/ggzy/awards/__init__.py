"""From the evaluation report to the contract (定标与合同): candidates' publicity, objections,
the award and its sealed notices, GP challenges, the contract and performance."""
