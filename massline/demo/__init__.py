"""Demo data for 黄冈市 (`massline demo`); a plain package, not a Django app."""
