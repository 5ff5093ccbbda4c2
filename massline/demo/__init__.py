"""Demo data for 黄冈市: the app that owns `massline demo`; no other app imports it."""
