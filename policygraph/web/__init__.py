"""`policygraph serve`: the run's database in a browser, and as a JSON API."""
