"""Electronic evaluation (电子评标): the committee, the method, scoring, rejection, the report."""
