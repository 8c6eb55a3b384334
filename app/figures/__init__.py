"""The figures of a quarter: an officer's tiles and trends, the team overview, what
needs attention on the home page, team and branch findings."""
